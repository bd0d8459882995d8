"""Datakeen IDify sessions (https://app.datakeen.co): hosted ID + selfie capture, OCR with
confidences and boxes, controls. See shared/providers/datakeen.md."""
