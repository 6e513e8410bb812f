"""The published-figures flow: the catalogue of sourced figures, its checks, the topic figures."""
