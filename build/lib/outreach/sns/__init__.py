"""Amazon SNS: the HTTPS notifications SES sends about the mail it carried (bounce, complaint, delivery)
and about mail it received for us.

verify.py checks that a message really comes from SNS (signature, certificate
host, topic); subscriptions.py confirms a new subscription; notifications.py
turns SES's JSON into the same effects as a bounce or complaint that came back
as mail (outreach.services.inbound); receiving.py gets received mail (from S3 or
the notification) to inbound_process. The endpoint is outreach.views.sns.
"""
