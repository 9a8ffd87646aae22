"""Processes: deploying diagrams, their definitions and versions, editing them, their forms."""
