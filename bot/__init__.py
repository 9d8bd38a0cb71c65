"""Migrasi Aman: a bilingual chatbot that helps Indonesians spot trafficking before they migrate."""

__version__ = "0.1.0"
