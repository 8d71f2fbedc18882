"""dlquiz: drill deep-learning interview questions in a terminal."""

__version__ = "0.1.0"
