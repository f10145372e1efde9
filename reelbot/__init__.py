"""reelbot's composition root: configuration, database plumbing and the command line.

`bot`, `engine` and `adapters` are the product's parts; this package wires them together and is the only
place that knows about all three.
"""

__version__ = "0.1.0"
