"""A deploy target in S3-compatible storage, through boto3.

Credentials come from boto3's usual places, first the `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
environment variables. Each object gets the Content-Type and Cache-Control of its kind (see
`deploy_plan`); a phase's files go up on a few threads, and every finished one is reported, so a failure
mid-way can record exactly what arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from .config import S3Target
from .deploy_plan import MANIFEST_NAME, cache_control, content_type
from .deploy_transport import Done, TransportError

THREADS = 8  # requests in flight: small files, so the round trips are what takes time
DELETE_BATCH = 1000  # S3's limit per DeleteObjects request


class S3Transport:
    confirms_each_file = True  # put_object returns once the object is stored

    def __init__(self, target: S3Target) -> None:
        import boto3
        from botocore.config import Config

        self.target = target
        session = boto3.Session()
        if session.get_credentials() is None:
            raise TransportError("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        config = Config(
            retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=60,
            max_pool_connections=THREADS,
            # S3-compatible hosts serve buckets under the endpoint's path, and not all of them know the
            # CRC checksums that boto3 now adds to every upload.
            s3={"addressing_style": "path" if target.endpoint else "auto"},
            request_checksum_calculation="when_required", response_checksum_validation="when_required",
        )
        self.client = session.client("s3", endpoint_url=target.endpoint, region_name=target.region, config=config)

    def describe(self) -> str:
        where = f" at {self.target.endpoint}" if self.target.endpoint else ""
        return f"s3://{self.target.bucket}/{self.target.prefix}{where}"

    def close(self) -> None:
        self.client.close()

    def _key(self, rel: str) -> str:
        return self.target.prefix + rel

    def _explain(self, error: Exception) -> TransportError:
        from botocore.exceptions import ClientError, EndpointConnectionError, HTTPClientError

        t = self.target
        endpoint = t.endpoint or "AWS S3"
        if isinstance(error, EndpointConnectionError | HTTPClientError):
            return TransportError(f"cannot reach {endpoint}: {error}")
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "")
            if code == "NoSuchBucket":
                return TransportError(f"bucket {t.bucket!r} does not exist at {endpoint}; create it first")
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken"):
                return TransportError(f"{endpoint} rejected the credentials in AWS_ACCESS_KEY_ID and "
                                      f"AWS_SECRET_ACCESS_KEY ({code})")
            if code in ("AccessDenied", "403", "AllAccessDisabled"):
                return TransportError(f"{endpoint} denied access to bucket {t.bucket!r}: the key needs to read, "
                                      f"write and delete objects there ({code})")
            return TransportError(f"{endpoint} answered {code or 'an error'}: {message or error}")
        return TransportError(f"{endpoint}: {error}")

    def read_manifest(self) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.target.bucket, Key=self._key(MANIFEST_NAME))["Body"].read()
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise self._explain(e) from None
        except BotoCoreError as e:
            raise self._explain(e) from None

    def _put(self, output: Path, rel: str) -> str:
        self.client.put_object(Bucket=self.target.bucket, Key=self._key(rel), Body=(output / rel).read_bytes(),
                               ContentType=content_type(rel), CacheControl=cache_control(rel))
        return rel

    def upload(self, output: Path, files: Sequence[str], done: Done) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        failure: BaseException | None = None
        reported: set[Future] = set()
        with ThreadPoolExecutor(THREADS, thread_name_prefix="akhbar-s3") as pool:
            futures = [pool.submit(self._put, output, rel) for rel in files]
            try:
                for future in as_completed(futures):
                    if future.exception() is not None:
                        failure = future.exception()
                        break
                    reported.add(future)
                    done(future.result(), True)
            finally:  # a failure or Ctrl-C: start nothing more, but report every upload that did finish
                for future in futures:
                    future.cancel()
                for future in futures:
                    if future not in reported and not future.cancelled() and future.exception() is None:
                        reported.add(future)
                        done(future.result(), True)
        if isinstance(failure, ClientError | BotoCoreError):
            raise self._explain(failure) from None
        if isinstance(failure, OSError):
            raise TransportError(f"cannot read {failure.filename}: {failure.strerror}") from None
        if failure is not None:
            raise failure

    def delete(self, output: Path, files: Sequence[str], done: Done) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        for start in range(0, len(files), DELETE_BATCH):
            batch = files[start:start + DELETE_BATCH]
            try:
                answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={
                    "Objects": [{"Key": self._key(rel)} for rel in batch], "Quiet": True})
            except (ClientError, BotoCoreError) as e:
                raise self._explain(e) from None
            failed = {e.get("Key"): e for e in answer.get("Errors", [])}
            for rel in batch:
                if self._key(rel) not in failed:
                    done(rel, True)
            if failed:
                key, error = next(iter(failed.items()))
                raise TransportError(f"could not delete {key}: {error.get('Code')} {error.get('Message', '')}".strip())

    def write_manifest(self, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.target.bucket, Key=self._key(MANIFEST_NAME), Body=data,
                                   ContentType="application/json", CacheControl="no-store")
        except (ClientError, BotoCoreError) as e:
            raise self._explain(e) from None
