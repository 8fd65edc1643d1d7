from __future__ import annotations

from django.urls import path

from lineoa import views

app_name = "lineoa"
urlpatterns = [
    path("line/webhook", views.webhook, name="webhook"),
    path("line/content/<int:event_id>", views.content, name="content"),
]
