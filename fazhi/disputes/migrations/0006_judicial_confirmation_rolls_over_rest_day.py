"""The judicial-confirmation window (人民调解法第三十三条; 民事诉讼法第二百零五条) is a period in the sense of 民事诉讼法
第八十五条: a last day on a statutory holiday moves to the first day after it. Texts quoted from the statutes."""
from django.db import migrations

CODE = "disputes.judicial_confirmation"
LEGAL_BASIS = ("《中华人民共和国人民调解法》第三十三条：经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，"
               "可以自调解协议生效之日起三十日内共同向人民法院申请司法确认；《中华人民共和国民事诉讼法》第二百零五条："
               "经依法设立的调解组织调解达成调解协议，申请司法确认的，由双方当事人自调解协议生效之日起三十日内，"
               "共同向下列人民法院提出")
ROLLOVER_BASIS = ("《中华人民共和国民事诉讼法》第八十五条第三款：期间届满的最后一日是法定休假日的，"
                  "以法定休假日后的第一日为期间届满的日期")
OLD_BASIS = ("《中华人民共和国人民调解法》第三十三条：经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，"
             "可以自调解协议生效之日起三十日内共同向人民法院申请司法确认")


def forward(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DeadlineRule.objects.filter(code=CODE).update(rolls_over_rest_day=True, rollover_basis=ROLLOVER_BASIS,
                                                  legal_basis=LEGAL_BASIS)


def backward(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DeadlineRule.objects.filter(code=CODE).update(rolls_over_rest_day=False, rollover_basis="", legal_basis=OLD_BASIS)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0005_agreement_kind_signer_responsibility"),
                    ("core", "0004_calendar_complete_and_rollover")]
    operations = [migrations.RunPython(forward, backward)]
