"""Cek perekrut: a dated list of licensed placement companies (P3MI) and a guided recruiter check."""
