"""ovexplorer: a desktop explorer for OpenVINO models."""

__version__ = "0.1.0"
