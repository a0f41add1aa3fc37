"""Tests of the local AWS world (`montui_world`): its APIs, its scenario, its server."""
