"""The contract every caller shares: structured errors, reasons in words, payload schemas."""
