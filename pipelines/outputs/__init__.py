"""Documents produced from the published marts: the annual Excel report, the dashboard."""
