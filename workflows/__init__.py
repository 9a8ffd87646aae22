"""BPMN: parsing, running and sandboxing the Unacceptable Behaviour Policy workflows."""
