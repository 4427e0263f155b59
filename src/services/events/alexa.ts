// The request the Alexa Skills Kit sends a skill's function.

import { UPPER_ALNUM, fakeAlnum, fakeBytes, isoSeconds, type EventEnv } from './formats.js';

export type AlexaRequestType = 'LaunchRequest' | 'IntentRequest' | 'SessionEndedRequest' | 'CanFulfillIntentRequest';

export interface AlexaSkillInput {
  /** `amzn1.ask.skill.<uuid>` — the id the skill's Lambda trigger condition names. */
  skillId: string;
  requestType?: AlexaRequestType;
  /** For IntentRequest and CanFulfillIntentRequest. */
  intentName?: string;
  locale?: string;
}

export interface AlexaSkillEvent {
  version: '1.0';
  session: {
    new: boolean;
    sessionId: string;
    application: { applicationId: string };
    user: { userId: string };
  };
  context: {
    System: {
      application: { applicationId: string };
      user: { userId: string };
      device: { deviceId: string; supportedInterfaces: Record<string, unknown> };
      apiEndpoint: string;
      apiAccessToken: string;
    };
  };
  request: Record<string, unknown> & { type: string; requestId: string; timestamp: string; locale: string };
}

/** Alexa's three API endpoints, chosen by where the skill's Lambda function runs. */
export function alexaApiEndpoint(region: string): string {
  if (region.startsWith('eu-') || region.startsWith('me-') || region.startsWith('af-') || region === 'ap-south-1') return 'https://api.eu.amazonalexa.com';
  if (region.startsWith('ap-') || region.startsWith('cn-')) return 'https://api.fe.amazonalexa.com';
  return 'https://api.amazonalexa.com';
}

export function alexaSkillEvent(env: EventEnv, i: AlexaSkillInput): AlexaSkillEvent {
  const type = i.requestType ?? 'LaunchRequest';
  // Fakes: Alexa's user and device ids are opaque per-skill identifiers; these are stable per skill.
  const userId = `amzn1.ask.account.${fakeAlnum(64, UPPER_ALNUM, 'alexa-user', i.skillId)}`;
  const deviceId = `amzn1.ask.device.${fakeAlnum(64, UPPER_ALNUM, 'alexa-device', i.skillId)}`;
  const b64url = (s: string) => Buffer.from(s).toString('base64url');
  // Fake: a JWT-shaped token whose signature no Alexa API would accept.
  const apiAccessToken = [
    b64url('{"typ":"JWT","alg":"RS256","kid":"1"}'),
    b64url(JSON.stringify({ aud: alexaApiEndpoint(env.region), iss: 'AlexaSkillKit', sub: i.skillId, exp: Math.floor(env.now.getTime() / 1000) + 3600, iat: Math.floor(env.now.getTime() / 1000) })),
    fakeBytes(256, 'alexa-token', i.skillId).toString('base64url'),
  ].join('.');

  const request: AlexaSkillEvent['request'] = {
    type,
    requestId: `amzn1.echo-api.request.${env.id()}`,
    timestamp: isoSeconds(env.now),
    locale: i.locale ?? 'en-US',
  };
  if (type === 'LaunchRequest') request.shouldLinkResultBeReturned = false;
  if (type === 'IntentRequest' || type === 'CanFulfillIntentRequest') {
    request.intent = { name: i.intentName ?? 'AMAZON.HelpIntent', confirmationStatus: 'NONE' };
  }
  if (type === 'SessionEndedRequest') request.reason = 'USER_INITIATED';

  const application = { applicationId: i.skillId };
  return {
    version: '1.0',
    session: {
      // Only the request that opens a session is new; an ending session has been going on.
      new: type !== 'SessionEndedRequest',
      sessionId: `amzn1.echo-api.session.${env.id()}`,
      application,
      user: { userId },
    },
    context: {
      System: {
        application,
        user: { userId },
        device: { deviceId, supportedInterfaces: {} },
        apiEndpoint: alexaApiEndpoint(env.region),
        apiAccessToken,
      },
    },
    request,
  };
}
