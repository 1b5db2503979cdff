from django import template

from network.notifications.texts import topic_text

register = template.Library()


@register.filter
def notification_text(notification) -> str:
    return topic_text(notification.topic, notification.subject, notification.actor_name)
