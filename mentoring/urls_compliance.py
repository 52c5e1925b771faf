from django.urls import path

from mentoring.views import compliance as views

urlpatterns = [
    path("compliance/", views.compliance_board, name="compliance_board"),
]
