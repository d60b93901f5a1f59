"""What every blueprint shares: extensions, error pages, security headers, rate limits, the
htmx responder and the template helpers."""
