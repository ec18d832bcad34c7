"""Mutual-information estimators: CLUB maths, the offline reasoner, cached scoring, R-EMI."""
