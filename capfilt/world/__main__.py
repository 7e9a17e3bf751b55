"""`python -m capfilt.world`: see capfilt/world/cli.py."""

from capfilt.world.cli import main

if __name__ == "__main__":
    main()
