"""The audit log becomes an RFC 9162 Merkle tree: every entry gets an index and a leaf hash, and existing entries
are put on the tree in the order they were written."""

from django.db import migrations, models


def put_existing_entries_on_the_tree(apps, schema_editor):
    from datetime import UTC

    from fairhearing.audit.log import canonical_entry
    from fairhearing.procedure import merkle

    AuditEvent = apps.get_model("audit", "AuditEvent")
    MerkleNode = apps.get_model("audit", "MerkleNode")
    LogHead = apps.get_model("audit", "LogHead")
    compact = merkle.CompactRange()
    for index, event in enumerate(AuditEvent.objects.order_by("at", "pk").iterator()):
        event.index = index
        event.at = event.at.astimezone(UTC)
        event.actor_user_id = event.actor_id
        event.leaf_hash = merkle.leaf_hash(canonical_entry(event))
        event.save(update_fields=["index", "actor_user_id", "leaf_hash"])
        MerkleNode.objects.bulk_create(
            MerkleNode(level=s.level, index=s.index, hash=s.hash) for s in compact.append(event.leaf_hash)
        )
    LogHead.objects.create(
        pk=1, size=compact.size, root=compact.root(), border=b"".join(s.hash for s in compact.border)
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="MerkleNode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.PositiveSmallIntegerField()),
                ("index", models.BigIntegerField()),
                ("hash", models.BinaryField(max_length=32)),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("level", "index"), name="one_node_per_position")]},
        ),
        migrations.CreateModel(
            name="LogHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("size", models.BigIntegerField(default=0)),
                ("root", models.BinaryField(max_length=32)),
                (
                    "border",
                    models.BinaryField(
                        help_text="Hashes of the right border's perfect subtrees, largest first, joined."
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("size", models.BigIntegerField()),
                ("root", models.BinaryField(max_length=32)),
                ("note", models.TextField(help_text="The signed note, exactly as published.")),
                ("made_at", models.DateTimeField()),
            ],
            options={"ordering": ["size", "pk"]},
        ),
        migrations.AddField(model_name="auditevent", name="index", field=models.BigIntegerField(null=True)),
        migrations.AddField(
            model_name="auditevent", name="actor_user_id", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="auditevent", name="leaf_hash", field=models.BinaryField(max_length=32, null=True)
        ),
        migrations.RunPython(put_existing_entries_on_the_tree, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="index",
            field=models.BigIntegerField(unique=True, help_text="Position in the log, from 0, without gaps."),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="leaf_hash",
            field=models.BinaryField(max_length=32, help_text="RFC 9162 leaf hash of the entry's canonical bytes."),
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["index"]}),
        migrations.RemoveField(model_name="auditevent", name="actor"),
    ]
