"""capfilt."""
