#!/usr/bin/python3
"""An OpenAI-compatible embeddings server for Cairn's tests (the real wire format of
POST /v1/embeddings; no model). Each input's vector counts its characters by code point
modulo --dims, so texts with the same letters are close. Every request is appended to
--dir/requests.jsonl; the port goes to --dir/ready; the process exits when stdin closes.

Misbehaviour on demand: --throttle N answers the first N requests 429 with Retry-After: 1;
--wrong-count drops the last vector; --wrong-dims returns dims + 1 values; --html answers a
200 HTML page; --error openai|tei|vllm answers 400 in that server's error shape;
--fail-after N answers 400 to every request after the first N; --tls CERT KEY serves HTTPS
with that certificate (a self-signed one, which clients must refuse).
"""
import argparse
import base64
import json
import os
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--dims", type=int, default=16)
    parser.add_argument("--throttle", type=int, default=0)
    parser.add_argument("--wrong-count", action="store_true")
    parser.add_argument("--wrong-dims", action="store_true")
    parser.add_argument("--html", action="store_true")
    parser.add_argument("--error")
    parser.add_argument("--fail-after", type=int, default=0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    state = {"requests": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def answer(self, status, body, content_type="application/json", headers=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state["requests"] += 1
                number = state["requests"]
            try:
                request = json.loads(raw)
            except ValueError:
                return self.answer(400, json.dumps({"error": {"message": "body is not JSON", "type": "invalid_request_error"}}))
            with open(os.path.join(args.dir, "requests.jsonl"), "a") as f:
                f.write(json.dumps({"path": self.path, "model": request.get("model"), "inputs": len(request.get("input", [])),
                                    "encoding_format": request.get("encoding_format"), "dimensions": request.get("dimensions"),
                                    "bytes": len(raw), "authorization": self.headers.get("Authorization"),
                                    "longest": max((len(i) for i in request.get("input", [])), default=0)}) + "\n")
            if self.path != "/v1/embeddings":
                return self.answer(404, json.dumps({"error": {"message": "no route " + self.path}}))
            if args.fail_after and number > args.fail_after:
                return self.answer(400, json.dumps({"error": {"message": "input rejected", "type": "invalid_request_error"}}))
            if number <= args.throttle:
                return self.answer(429, json.dumps({"error": {"message": "rate limited", "type": "rate_limit"}}), headers=[("Retry-After", "1")])
            if args.html:
                return self.answer(200, "<html><body><h1>Welcome to nginx!</h1></body></html>", "text/html")
            if args.error == "openai":
                return self.answer(400, json.dumps({"error": {"message": "model not found", "type": "invalid_request_error"}}))
            if args.error == "tei":
                return self.answer(400, json.dumps({"error": "Input validation error: inputs too long", "error_type": "Validation"}))
            if args.error == "vllm":
                return self.answer(400, json.dumps({"object": "error", "message": "This model's maximum context length is 512 tokens", "type": "BadRequestError"}))
            inputs = request["input"] if isinstance(request["input"], list) else [request["input"]]
            dims = args.dims + (1 if args.wrong_dims else 0)
            data = []
            for index, text in enumerate(inputs):
                vector = [0.0] * dims
                for character in text.lower():
                    if character.isalnum():
                        vector[ord(character) % dims] += 1.0
                vector[0] += 0.5  # never all zero
                if request.get("encoding_format") == "base64":
                    embedding = base64.b64encode(struct.pack("<%df" % dims, *vector)).decode()
                else:
                    embedding = vector
                data.append({"object": "embedding", "index": index, "embedding": embedding})
            if args.wrong_count:
                data = data[:-1]
            self.answer(200, json.dumps({"object": "list", "data": data, "model": request.get("model"),
                                         "usage": {"prompt_tokens": 0, "total_tokens": 0}}))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.tls:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(os.path.join(args.dir, "ready.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(os.path.join(args.dir, "ready.tmp"), os.path.join(args.dir, "ready"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while sys.stdin.read(4096):
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
