from django.urls import path

from reports import views_growth as views

urlpatterns = [
    path("cadres/<int:pk>/growth/", views.growth_record_page, name="growth_record"),
    path("growth/mine/", views.growth_record_mine, name="growth_record_mine"),
]
