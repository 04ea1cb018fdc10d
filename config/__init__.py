"""Settings from the environment and the default protocol files."""
