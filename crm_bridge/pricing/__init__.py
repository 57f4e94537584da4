"""What discount a line may get: the pricing guardrail (margin floor, stock cover, customer value)."""
