"""The local console chat (``reelbot chat``): a real adapter over standard input and output."""
