"""Transports: turn platform updates into InboundEvents and Replies into platform calls."""
