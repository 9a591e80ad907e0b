"""A real S3 API on loopback for the tests: moto's server in a thread, a bucket per test."""

import json
import logging
import secrets
import socket

import boto3

from newsroom.storage import media_storage

KEYS = {"access_key": "testing", "secret_key": "testing"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not a line per S3 request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    return server


def endpoint(server) -> str:
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


def client(server):
    return boto3.client(
        "s3", endpoint_url=endpoint(server), region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def new_bucket(server) -> str:
    """A bucket anyone may read, as docker-compose's MinIO bucket is (`mc anonymous set
    download`): public photos at plain URLs."""
    name = f"media-{secrets.token_hex(4)}"
    s3 = client(server)
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read(name)))
    return name


def public_read(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{bucket}/*"],
        }],
    }  # fmt: skip


def media_url(server, bucket: str) -> str:
    return f"s3://testing:testing@{bucket}?endpoint={endpoint(server)}"


def use_bucket(settings, server, bucket: str) -> None:
    """Point the default storage and MEDIA_URL at `bucket` (as MEDIA_STORAGE would)."""
    media = media_storage(media_url(server, bucket))
    settings.STORAGES = {**settings.STORAGES, "default": media.storage}
    settings.MEDIA_URL = media.media_url


def keys(server, bucket: str) -> dict[str, int]:
    listing = client(server).list_objects_v2(Bucket=bucket)
    return {obj["Key"]: obj["Size"] for obj in listing.get("Contents", [])}
