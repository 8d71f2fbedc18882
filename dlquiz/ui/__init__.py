"""Terminal presentation (rich) and input. The only place besides the CLI that knows about the terminal."""
