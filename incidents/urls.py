from __future__ import annotations

from django.urls import path

from incidents import views

app_name = "incidents"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/snapshot.json", views.snapshot, name="snapshot"),
    path("dashboard/cases/<int:incident_id>/", views.case_panel, name="case"),
    path("dashboard/cases/<int:incident_id>/status", views.case_status, name="case-status"),
    path("dashboard/cases/<int:incident_id>/transfer", views.case_transfer, name="case-transfer"),
    path("dashboard/cases/<int:incident_id>/note", views.case_note, name="case-note"),
    path("dashboard/cases/<int:incident_id>/phone", views.case_phone, name="case-phone"),
    path("review/", views.review, name="review"),
    path("review/export.csv", views.review_export, name="review-export"),
    path("review/cases/<int:incident_id>/", views.review_case, name="review-case"),
]
