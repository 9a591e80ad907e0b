"""Nhuận bút (press royalties): reference tables, contributors, the monthly sheet and its
exports. Models are in the `articles` app; see README "Nhuận bút"."""
