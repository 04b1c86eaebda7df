"""Tests that drive a real browser (headless Chromium); see lab_driver.py."""
