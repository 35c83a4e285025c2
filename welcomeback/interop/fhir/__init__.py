"""FHIR R4 in and out of Welcome Back (issue 7).

- ``importer.import_bundle``: a Bundle of Patient, Appointment and Encounter
  from the program's EHR becomes clients, sessions, expectations and
  attendance. Each resource is validated on its own; a bad one is reported
  and the rest is kept. Importing the same Bundle again changes nothing.
- ``exporter.export_bundle``: what Welcome Back adds — EpisodeOfCare,
  Communication, CommunicationRequest, Task, Consent — with the people and
  attendance they refer to, as a collection Bundle; every export is audited.
- ``synthetic.demo_bundle``: an EHR-side Bundle for the demo program, for
  tests, docs and ``exportfhir --demo``.

The models come from ``fhir.resources.R4B`` (FHIR 4.3.0): fhir.resources 8
ships R5 (its default), R4B and STU3, and no R4 module. For the resources
used here R4B is R4 on the wire; ``validation.py`` says how that was checked.
"""
