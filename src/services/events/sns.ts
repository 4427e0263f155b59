// The event Amazon SNS sends a function subscribed to a topic.

import { digest, fakeBytes, isoMillis, regionOfArn, type EventEnv } from './formats.js';

export type SnsAttributeType = 'String' | 'Number' | 'Binary' | 'String.Array';

export interface SnsNotificationInput {
  topicArn: string;
  message: string;
  subject?: string;
  /** A bare string is a `String` attribute. */
  messageAttributes?: Record<string, string | { Type: SnsAttributeType; Value: string }>;
  /** The subscription's id, the last part of its ARN; fresh when omitted. */
  subscriptionId?: string;
  /** The topic's SignatureVersion attribute: 1 (SHA1, the default) or 2 (SHA256). */
  signatureVersion?: '1' | '2';
}

export interface SnsEventRecord {
  EventSource: 'aws:sns';
  EventVersion: '1.0';
  EventSubscriptionArn: string;
  Sns: {
    Type: 'Notification';
    MessageId: string;
    TopicArn: string;
    Subject: string | null;
    Message: string;
    Timestamp: string;
    SignatureVersion: string;
    Signature: string;
    SigningCertUrl: string;
    UnsubscribeUrl: string;
    MessageAttributes: Record<string, { Type: string; Value: string }>;
  };
}

export interface SnsEvent {
  Records: SnsEventRecord[];
}

export function snsNotificationEvent(env: EventEnv, i: SnsNotificationInput): SnsEvent {
  const region = regionOfArn(i.topicArn, env.region);
  const subscriptionArn = `${i.topicArn}:${i.subscriptionId ?? env.id()}`;
  const messageId = env.id();
  const attributes: Record<string, { Type: string; Value: string }> = {};
  for (const [name, v] of Object.entries(i.messageAttributes ?? {})) {
    attributes[name] = typeof v === 'string' ? { Type: 'String', Value: v } : { Type: v.Type, Value: v.Value };
  }
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: i.topicArn,
          // Lambda deliveries carry null, not an absent key, when Publish had no Subject.
          Subject: i.subject ?? null,
          Message: i.message,
          Timestamp: isoMillis(env.now),
          SignatureVersion: i.signatureVersion ?? '1',
          // Fake: a real signature needs SNS's private key. Same length as an RSA-2048 one.
          Signature: fakeBytes(256, 'sns-signature', messageId, i.message).toString('base64'),
          // Fake certificate name in SNS's real URL layout; nothing is served there.
          SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-${digest('sns-cert', region).slice(0, 32)}.pem`,
          UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          MessageAttributes: attributes,
        },
      },
    ],
  };
}
