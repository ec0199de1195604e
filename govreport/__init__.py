"""govreport: read, check and chart Chinese government information-disclosure annual reports."""
