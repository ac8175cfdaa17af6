"""Helpline screens (namespace "helpline", under /helpline/): the queue, the contact list, a contact and its
actions, opening a case from it. The case page's Contacts tab joins the case's own URLs (plugins.py)."""

from django.urls import URLPattern, path

from tipsom.helpline.views import blocks, case_open, contacts, review, stats

app_name = "helpline"

urlpatterns: list[URLPattern] = [
    path("", contacts.queue_view, name="queue"),
    path("contacts/", contacts.contact_list_view, name="list"),
    path("contacts/new/", contacts.contact_create_view, name="create"),
    path("contacts/sections/", contacts.contact_form_sections_view, name="form_sections"),
    path("contacts/<int:pk>/", contacts.contact_detail_view, name="detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit_view, name="edit"),
    path("contacts/<int:pk>/reveal/", contacts.contact_reveal_view, name="reveal"),
    path("contacts/<int:pk>/assign/", contacts.contact_assign_view, name="assign"),
    path("contacts/<int:pk>/close/", contacts.contact_close_view, name="close"),
    path("contacts/<int:pk>/link/", contacts.contact_link_view, name="link"),
    path("contacts/<int:pk>/case/", case_open.contact_case_open_view, name="case_open"),
    path("contacts/<int:pk>/case/link/", contacts.contact_case_link_view, name="case_link"),
    path("contacts/<int:pk>/refer/", contacts.contact_refer_view, name="refer"),
    path("contacts/<int:pk>/callbacks/", contacts.callback_schedule_view, name="callback_schedule"),
    path("callbacks/<int:pk>/done/", contacts.callback_complete_view, name="callback_complete"),
    # Blocked numbers, the quality review and the statistics (views/blocks.py, review.py, stats.py).
    path("contacts/<int:pk>/block/", blocks.contact_block_view, name="contact_block"),
    path("blocks/", blocks.blocks_view, name="blocks"),
    path("blocks/new/", blocks.block_create_view, name="block_create"),
    path("blocks/<int:pk>/lift/", blocks.block_lift_view, name="block_lift"),
    path("blocks/<int:pk>/reveal/", blocks.block_reveal_view, name="block_reveal"),
    path("reviews/", review.review_sample_view, name="reviews"),
    path("reviews/done/", review.review_list_view, name="review_list"),
    path("reviews/contacts/<int:pk>/", review.review_contact_view, name="review_contact"),
    path("stats/", stats.stats_view, name="stats"),
    path("stats/export.csv", stats.stats_export_view, name="stats_export"),
]
