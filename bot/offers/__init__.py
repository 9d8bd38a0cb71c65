"""Cek lowongan: check a pasted job offer for the signs of the trafficking pattern."""
