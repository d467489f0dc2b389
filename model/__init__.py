"""salesorg's model: the learning engine (March 1991) and the sales organization."""
