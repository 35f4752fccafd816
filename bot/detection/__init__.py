"""Question detection: does a customer's message need a reply from the supplier?

``Detector.load()`` loads the shipped model once (offline); ``detect`` judges one
message, ``detect_many`` a batch. See docs/detection.md.
"""

from bot.detection.detector import PRESETS, Detection, Detector, resolve_threshold
from bot.detection.kinds import KINDS

__all__ = ["KINDS", "PRESETS", "Detection", "Detector", "resolve_threshold"]
