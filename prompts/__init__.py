"""Prompt templates, shipped as package data and versioned with the code."""
