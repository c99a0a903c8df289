"""
moto in server mode for local mode and the tests: `python3 local/moto_server.py -H 127.0.0.1 -p PORT`.

Four additions to plain `python3 -m moto.server`, nothing else:
1. It exits when its stdin closes, so a parent that dies without cleaning up leaves no orphan.
2. DynamoDB TransactWriteItems snapshots only the items a transaction touches. moto 5.2 deep-copies
   every table named in a transaction to roll back on failure: O(table size) time and memory per
   transaction (measured: +142 MB resident per 300 transactions, 14 GB in a 1,000-verification load
   run) and `dictionary changed size during iteration` errors when another request writes the table
   during the copy. The rollback restores the same items to the same state, so behaviour is unchanged.
3. DynamoDB requests run one at a time, as conditional writes must: moto's threaded server checks a
   condition and applies the write in two steps, so two concurrent UpdateItem calls with the same
   `version = :expected` condition could both succeed (measured: a decision written twice, two events).
4. A DynamoDB Query on the table's own key reads that partition only. moto 5.2 builds, sorts and
   filters a list of every item in the table for each Query: O(table size) per read, so a load run
   slows down as the table grows. The same items come back in the same order.
   Set MOTO_PLAIN=1 to run moto's own code for 2 to 4.
"""
import copy
import os
import sys
import threading

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import table as dynamo_table
import moto.dynamodb.models as dynamo_models
from moto.server import main


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


class _TablesAreNotCopied:
    """Stands in for the `copy` module inside moto's DynamoDB backend: tables are passed through."""

    @staticmethod
    def deepcopy(obj, memo=None):
        if isinstance(obj, dynamo_table.Table):
            return obj
        return copy.deepcopy(obj, memo)


# One lock for every DynamoDB request (moto is effectively single-threaded under the GIL anyway).
_dynamodb = threading.RLock()
_transactions = _dynamodb
_moto_transact_write_items = DynamoDBBackend.transact_write_items


def _key_of(table, op):
    if "Key" in op:
        return op["Key"]
    attrs = op.get("Item", {})
    key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs.get(table.range_key_attr)
    return key


def transact_write_items(self, transact_items):
    with _transactions:
        before = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            name = op.get("TableName")
            if name not in self.tables:
                continue
            key = _key_of(self.tables[name], op)
            try:
                current = self.get_item(name, key)
            except Exception:
                current = None
            before.append((name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
        try:
            return _moto_transact_write_items(self, transact_items)
        except Exception:
            for name, key, attrs in reversed(before):
                if attrs is None:
                    try:
                        self.delete_item(name, key)
                    except Exception:
                        pass
                else:
                    self.put_item(name, attrs)
            raise


_partition = threading.local()
_moto_query = dynamo_table.Table.query
_moto_all_items = dynamo_table.Table.all_items


def query(self, hash_key, *args, **kwargs):
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name is not None or hash_key is None or not self.range_key_attr:
        return _moto_query(self, hash_key, *args, **kwargs)
    _partition.hash_key = hash_key
    try:
        return _moto_query(self, hash_key, *args, **kwargs)
    finally:
        _partition.hash_key = None


def all_items(self):
    hash_key = getattr(_partition, "hash_key", None)
    if hash_key is None:
        return _moto_all_items(self)
    # moto's query keeps only this partition's items of all_items(), in range-key order.
    return sorted(self.items.get(hash_key, {}).values(), key=lambda item: item.range_key)


SERIALISED = [
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_get_items",
]


def _serialised(method):
    def run(self, *args, **kwargs):
        with _dynamodb:
            return method(self, *args, **kwargs)

    return run


if __name__ == "__main__":
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    if os.environ.get("MOTO_PLAIN") != "1":
        dynamo_models.copy = _TablesAreNotCopied
        DynamoDBBackend.transact_write_items = transact_write_items
        dynamo_table.Table.query = query
        dynamo_table.Table.all_items = all_items
        for name in SERIALISED:
            if hasattr(DynamoDBBackend, name):
                setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))
    main(sys.argv[1:])
