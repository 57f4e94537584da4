"""Models saved in a safe format with their cards, their versions, and the rule that promotes one."""
