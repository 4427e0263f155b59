// The payloads AWS services put in front of a Lambda function when they invoke it, field for
// field: what S3, SNS, EventBridge, API Gateway, CloudWatch Logs and Alexa really send, so a
// function written against AWS runs unchanged when Latchkey delivers the event.
//
// Pure and deterministic: every clock reading and random id comes from the EventEnv, so a test
// that fixes `now` and `id` gets the same bytes every time. Values AWS derives from secrets or
// infrastructure Latchkey does not have (signatures, certificate URLs, S3 host ids, retail
// customer ids, Alexa tokens) are well-formed fakes derived from the inputs; each is marked.
//
// Sources (recordings in reference/aws-recordings win over documentation):
// - S3: s3_test_s3_notifications_lambda.snapshot.json (recorded 2025) and
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
// - SNS: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
// - EventBridge: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
// - API Gateway: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
//   (REST, "1.0") and .../http-api-develop-integrations-lambda.html (HTTP API, "2.0")
// - CloudWatch Logs: https://docs.aws.amazon.com/lambda/latest/dg/services-cloudwatchlogs.html
// - Alexa: https://developer.amazon.com/docs/custom-skills/request-and-response-json-reference.html
//
// One module per service; this one gathers them.

export * from './formats.js';
export * from './s3.js';
export * from './sns.js';
export * from './eventBridge.js';
export * from './apiGateway.js';
export * from './cloudWatchLogs.js';
export * from './alexa.js';
