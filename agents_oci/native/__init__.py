"""OCI's native chat API (``/20231130/actions/chat``): the model, the wire
format and the stream translation, for Cohere R and dedicated AI clusters.
"""
