"""What every kind of uploaded content package shares: reading its zip without trusting it."""
