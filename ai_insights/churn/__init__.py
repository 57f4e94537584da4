"""Churn risk and lifetime value per customer, from declared features taken as of a cut-off."""
