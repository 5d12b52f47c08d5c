"""Tournée: plans the weekly tours of mobile health units and the shifts of their crews.

Public API: load a territory (`load_territory`), plan it (`plan`), check a plan (`validate`),
re-plan after a change (`replan`), and publish (see `planner.calendars`, `planner.report`).
"""
