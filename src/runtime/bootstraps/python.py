# Latchkey's Python runtime client: the `python3` process of one execution environment.
# Mirrors awslambdaric's observable behaviour: `module.function` handlers (module paths with
# `/`), the LambdaContext, `{"errorMessage","errorType","requestId","stackTrace"}` errors,
# the `[LEVEL]\ttimestamp\trequestId\tmessage` logging format. Standard library only.
import importlib
import json
import logging
import os
import sys
import time
import struct
import traceback

TASK_ROOT = os.environ.get('LAMBDA_TASK_ROOT', os.getcwd())
HANDLER = os.environ.get('_HANDLER', '')
current_request_id = None


class CountingStream:
    """sys.stdout / sys.stderr, counting the bytes written: sent with each result so that
    Latchkey waits for all of an invocation's output before it closes the invocation's log
    (environment.ts OUTPUT_FENCE_HEADER)."""

    def __init__(self, inner):
        self._inner = inner
        self.bytes = 0

    def write(self, text):
        n = self._inner.write(text)
        if isinstance(text, str):
            self.bytes += len(text.encode(self._inner.encoding or 'utf-8', 'replace'))
        else:
            self.bytes += len(text)
        return n

    def __getattr__(self, name):
        return getattr(self._inner, name)


# Kept here too: a handler may replace sys.stdout; what it writes then is simply not counted.
_stdout = sys.stdout = CountingStream(sys.stdout)
_stderr = sys.stderr = CountingStream(sys.stderr)


# Latchkey's private channel on fd 3 (src/runtime/channel.ts): what the Runtime API carries, as
# frames: the byte lengths of a JSON head and of a body (uint32, big-endian), the head, the body.
# Not passed on to the processes a handler starts (Python's subprocess closes it anyway; os.exec* would not).
os.set_inheritable(3, False)
_channel_in = os.fdopen(3, 'rb', buffering=65536, closefd=False)
NEXT = ({'type': 'next'}, b'')


def send(*frames):
    """Writes frames in one go; results carry the bytes written to stdout and stderr so far."""
    parts = []
    for head, body in frames:
        if head['type'] != 'next':
            head = dict(head, output=[_stdout.bytes, _stderr.bytes])
        data = json.dumps(head).encode()
        parts += [struct.pack('>II', len(data), len(body)), data, body]
    view = memoryview(b''.join(parts))
    while view:
        view = view[os.write(3, view):]


def read_exactly(n):
    data = _channel_in.read(n)
    if data is None or len(data) < n:
        os._exit(1)  # Latchkey is gone: nothing left to do
    return data


def receive():
    head_size, body_size = struct.unpack('>II', read_exactly(8))
    head = json.loads(read_exactly(head_size))
    return head, read_exactly(body_size)


def error_body(exc, request_id, skip_frames=0, error_type=None, message=None):
    tb = traceback.extract_tb(exc.__traceback__)[skip_frames:]
    return {
        'errorMessage': str(exc) if message is None else message,
        'errorType': error_type or type(exc).__name__,
        'requestId': request_id or '',
        'stackTrace': traceback.format_list(tb),
    }


def log_error(body):
    line = '[ERROR] %s: %s\nTraceback (most recent call last):\n%s' % (
        body['errorType'], body['errorMessage'], ''.join(body['stackTrace']))
    sys.stdout.write(line.replace('\n', '\r').rstrip('\r') + '\n')


def init_error(body):
    log_error(body)
    try:
        send(({'type': 'initError', 'errorType': body['errorType']}, json.dumps(body).encode()))
    finally:
        sys.stdout.flush()
        os._exit(1)


JSON_FORMAT = os.environ.get('AWS_LAMBDA_LOG_FORMAT') == 'JSON'
# The RIC maps Lambda's levels onto logging's; TRACE is DEBUG, FATAL is CRITICAL.
LOG_LEVELS = {'TRACE': logging.DEBUG, 'DEBUG': logging.DEBUG, 'INFO': logging.INFO, 'WARN': logging.WARNING,
              'ERROR': logging.ERROR, 'FATAL': logging.CRITICAL}


class LambdaLogHandler(logging.Handler):
    # Text: `[LEVEL]\ttime\trequestId\tmessage`. JSON (AWS_LAMBDA_LOG_FORMAT): a record with
    # timestamp, level, message, logger, requestId, and the exception's fields when there is one.
    def emit(self, record):
        ts = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created)) + '.%03dZ' % record.msecs
        if JSON_FORMAT:
            out = {'timestamp': ts, 'level': record.levelname, 'message': record.getMessage(),
                   'logger': record.name, 'requestId': current_request_id}
            if record.exc_info and record.exc_info[0] is not None:
                out.update({'errorType': record.exc_info[0].__name__, 'errorMessage': str(record.exc_info[1]),
                            'stackTrace': traceback.format_tb(record.exc_info[2]),
                            'location': '%s:%s:%s' % (record.pathname, record.funcName, record.lineno)})
            sys.stdout.write(json.dumps({k: v for k, v in out.items() if v is not None}, ensure_ascii=False, default=str) + '\n')
            return
        msg = self.format(record)
        line = '[%s]\t%s\t%s\t%s' % (record.levelname, ts, current_request_id, msg)
        sys.stdout.write(line.replace('\n', '\r') + '\n')


class CognitoIdentity:
    def __init__(self, data):
        data = data or {}
        self.cognito_identity_id = data.get('cognitoIdentityId')
        self.cognito_identity_pool_id = data.get('cognitoIdentityPoolId')


class Client:
    def __init__(self, data):
        data = data or {}
        for key in ('installation_id', 'app_title', 'app_version_name', 'app_version_code', 'app_package_name'):
            setattr(self, key, data.get(key))


class ClientContext:
    def __init__(self, data):
        self.client = Client(data.get('client')) if data.get('client') else None
        self.custom = data.get('custom')
        self.env = data.get('env')


class LambdaContext:
    def __init__(self, request_id, deadline_ms, invoked_arn, client_context, identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_arn
        self.function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME')
        self.function_version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION')
        self.memory_limit_in_mb = os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE')
        self.log_group_name = os.environ.get('AWS_LAMBDA_LOG_GROUP_NAME')
        self.log_stream_name = os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME')
        self.client_context = ClientContext(client_context) if client_context else None
        self.identity = CognitoIdentity(identity)
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)


def load_handler():
    try:
        module_path, function_name = HANDLER.rsplit('.', 1)
    except ValueError as e:
        init_error(error_body(e, None, error_type='Runtime.MalformedHandlerName',
                              message="Bad handler '%s': %s" % (HANDLER, e)))
    module_name = module_path.replace('/', '.')
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        init_error(error_body(e, None, error_type='Runtime.ImportModuleError',
                              message="Unable to import module '%s': %s" % (module_path, e)))
    except SyntaxError as e:
        init_error(error_body(e, None, error_type='Runtime.UserCodeSyntaxError',
                              message="Syntax error in module '%s': %s" % (module_path, e)))
    except Exception as e:  # noqa: BLE001 - a module that raises at import time
        init_error(error_body(e, None))
    handler = getattr(module, function_name, None)
    if handler is None:
        init_error({'errorMessage': "Handler '%s' missing on module '%s'" % (function_name, module_path),
                    'errorType': 'Runtime.HandlerNotFound', 'requestId': '', 'stackTrace': []})
    return handler


def main():
    global current_request_id
    sys.path[0] = TASK_ROOT  # not this bootstrap's own directory
    root = logging.getLogger()
    root.handlers = [LambdaLogHandler()]
    root.setLevel(LOG_LEVELS.get(os.environ.get('AWS_LAMBDA_LOG_LEVEL', 'INFO').upper(), logging.INFO) if JSON_FORMAT else logging.WARNING)
    handler = load_handler()
    send(NEXT)
    while True:
        head, body = receive()
        request_id = head.get('requestId')
        current_request_id = request_id
        trace = head.get('traceId')
        if trace:
            os.environ['_X_AMZN_TRACE_ID'] = trace
        else:
            os.environ.pop('_X_AMZN_TRACE_ID', None)
        try:
            cc = head.get('clientContext')
            ident = head.get('cognitoIdentity')
            context = LambdaContext(request_id, int(head.get('deadlineMs') or 0), head.get('invokedFunctionArn'),
                                    json.loads(cc) if cc else None, json.loads(ident) if ident else None)
            event = json.loads(body) if body else {}
            result = handler(event, context)
            payload = json.dumps(result).encode()
        except Exception as e:  # noqa: BLE001 - any handler error is reported
            err = error_body(e, request_id, skip_frames=1)
            log_error(err)
            send(({'type': 'error', 'requestId': request_id, 'errorType': err['errorType']}, json.dumps(err).encode()), NEXT)
        else:
            send(({'type': 'response', 'requestId': request_id}, payload), NEXT)
        current_request_id = None


if __name__ == '__main__':
    main()
