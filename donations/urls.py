"""Staff pages, mounted at /can-bo/ung-ho/ (namespace "donations")."""

from django.urls import path

from donations.views import bank, staff

app_name = "donations"

urlpatterns = [
    path("", staff.pledge_list, name="pledge-list"),
    path("moi/", staff.pledge_new, name="pledge-new"),
    path("nhap/", staff.import_page, name="import"),
    path("nhap/tep-danh-dau/<str:token>/", staff.import_marked_up, name="import-marked-up"),
    path("so-quy/", staff.ledger_page, name="ledger"),
    path("doi-soat/", staff.reconciliation, name="reconciliation"),
    path("sao-ke/", bank.statement_import, name="statement-import"),
    path("sao-ke/cho-ghep/", bank.statement_waiting, name="statement-waiting"),
    path("sao-ke/cho-ghep/<int:entry_id>/ghep/", bank.credit_link, name="statement-credit-link"),
    path("sao-ke/cho-ghep/<int:entry_id>/an-danh/", bank.credit_anonymous, name="statement-credit-anonymous"),
    path("sao-ke/doi-soat/", bank.statement_reconciliation, name="statement-reconciliation"),
    path("sao-ke/chi/<int:entry_id>/ghep/", bank.debit_link, name="statement-debit-link"),
    path("thiet-bi/", staff.device_list, name="device-list"),
    path("thiet-bi/<int:pk>/", staff.device_detail, name="device-detail"),
    path("<str:code>/", staff.pledge_detail, name="pledge-detail"),
    path("<str:code>/xac-nhan/", staff.pledge_confirm, name="pledge-confirm"),
    path("<str:code>/thu-cam-on.docx", staff.thank_you_letter, name="thank-you-letter"),
    path("<str:code>/dong/", staff.line_add, name="line-add"),
    path("<str:code>/dong/<int:line_id>/huy/", staff.line_cancel, name="line-cancel"),
    path("<str:code>/dong/<int:line_id>/xac-nhan/", staff.line_confirm, name="line-confirm"),
    path("<str:code>/dong/<int:line_id>/nhan-thiet-bi/", staff.devices_receive, name="devices-receive"),
    path("<str:code>/dong/<int:line_id>/nhan-tien/", staff.receipt_add, name="receipt-add"),
]
