from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from lineoa.simulator import views

app_name = "simulator"

# The Messaging API stand-in: the same paths as https://api.line.me and https://api-data.line.me, so
# line-bot-sdk works with its host set to <site>/simulator/api.
api_patterns: list[URLPattern | URLResolver] = [
    path("v2/bot/message/reply", views.api_reply, name="api_reply"),
    path("v2/bot/message/push", views.api_push, name="api_push"),
    path("v2/bot/chat/loading/start", views.api_loading_start, name="api_loading_start"),
    path("v2/bot/profile/<str:user_id>", views.api_profile, name="api_profile"),
    path("v2/bot/message/<str:message_id>/content", views.api_message_content, name="api_message_content"),
    path("v2/bot/richmenu", views.api_rich_menu_create, name="api_rich_menu_create"),
    path("v2/bot/richmenu/list", views.api_rich_menu_list, name="api_rich_menu_list"),
    path("v2/bot/richmenu/<str:rich_menu_id>", views.api_rich_menu, name="api_rich_menu"),
    path(
        "v2/bot/richmenu/<str:rich_menu_id>/content",
        views.api_rich_menu_content,
        name="api_rich_menu_content",
    ),
    path("v2/bot/user/all/richmenu", views.api_default_rich_menu, name="api_default_rich_menu"),
    path(
        "v2/bot/user/all/richmenu/<str:rich_menu_id>",
        views.api_default_rich_menu_set,
        name="api_default_rich_menu_set",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.chat, name="chat"),
    path("users", views.user_create, name="user_create"),
    path("users/<str:user_id>/messages", views.user_messages, name="user_messages"),
    path("events", views.event_create, name="event_create"),
    path("events/redeliver", views.event_redeliver, name="event_redeliver"),
    path("content/<str:message_id>", views.content, name="content"),
    path("richmenu", views.rich_menu, name="richmenu"),
    path("richmenu/<str:rich_menu_id>/image", views.rich_menu_image, name="richmenu_image"),
    path("api/", include(api_patterns)),
]
