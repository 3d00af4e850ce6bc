"""KRaft control-plane events as sentences: a `match` over the closed KRaftEvent union."""

from __future__ import annotations

from typing import assert_never

from rich.text import Text

from kafkaretry.render.describe_shutdown import describe_shutdown
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as s
from kafkaretry.sim.kraft import views


def _ids(nodes: tuple[int, ...]) -> str:
    return ", ".join(map(str, nodes)) or "none"


def _leader(node: int) -> str:
    return "no leader (offline)" if node == views.NO_LEADER else f"broker {node}"


# One branch per event type is the point: mypy checks the match is exhaustive.
def describe_kraft(event: k.KRaftEvent) -> Text:  # noqa: PLR0911, PLR0912
    match event:
        case k.ControllerCrashed(controller=c, was_active=active):
            role = "the ACTIVE controller" if active else "a standby controller"
            return Text(f"controller {c} ({role}) crashes", style="failure")
        case k.ControllerRestarted(controller=c):
            return Text(f"controller {c} restarts and rejoins the quorum as a follower")
        case k.BrokerCrashed(broker=b):
            return Text(
                f"broker {b} crashes: its process is gone and it stops heartbeating; "
                "nobody tells the controller",
                style="failure",
            )
        case k.BrokerRestarted(broker=b):
            return Text(f"broker {b} restarts; it must register again and starts fenced")
        case k.BrokerIsolated(broker=b):
            return Text(
                f"broker {b}'s host drops off the network: its process runs on, but nothing "
                "reaches it or leaves it and no TCP reset tells anyone (a black hole); its "
                "heartbeats stop arriving",
                style="failure",
            )
        case k.BrokerHealed(broker=b):
            return Text(f"broker {b}'s network is back: it heartbeats and fetches metadata again")
        case k.FetchTimeoutExpired(controller=c, last_fetch_ms=last):
            return Text(
                f"controller {c}'s fetch timer, restarted at t={last} ms when it handled its "
                "last Fetch response from the active controller, ran out: "
                "controller.quorum.fetch.timeout.ms expired",
                style="election",
            )
        case k.PreVoteStarted(controller=c, epoch=e):
            return Text(
                f"controller {c} turns Prospective and asks for pre-votes (KIP-996), "
                f"epoch still {e}",
                style="election",
            )
        case k.PreVoteGranted(voter=v, prospective=p):
            return Text(f"controller {v} grants controller {p} a pre-vote")
        case k.PreVoteRejected(voter=v, prospective=p, reason=why):
            return Text(f"controller {v} refuses controller {p} a pre-vote: {why}")
        case k.ElectionStarted(candidate=c, epoch=e):
            return Text(
                f"controller {c} becomes a Candidate: epoch {e}, votes for itself, asks the others",
                style="election",
            )
        case k.VoteGranted(voter=v, candidate=c, epoch=e):
            return Text(f"controller {v} votes for controller {c} in epoch {e}")
        case k.VoteRejected(voter=v, candidate=c, epoch=e, reason=why):
            return Text(f"controller {v} refuses controller {c} its vote in epoch {e}: {why}")
        case k.ElectionLost(controller=c, epoch=e, pre_vote=False, timed_out=True):
            return Text(
                f"controller {c}'s election timer ran out in epoch {e} without a majority: it "
                "turns Prospective again at once (no election backoff in Kafka 4.1)",
                style="warning",
            )
        case k.ElectionLost(controller=c, epoch=e, pre_vote=False, wait_ms=wait):
            return Text(
                f"a majority refused controller {c} its vote in epoch {e}: it waits out the "
                f"last {wait} ms of its election timer, then turns Prospective again",
                style="warning",
            )
        case k.ElectionLost(controller=c, epoch=e, timed_out=late, wait_ms=wait, then=then):
            why = "its election timer ran out" if late else "a majority refused"
            state = (
                "a follower of the leader it knew; controller.quorum.fetch.timeout.ms"
                if then == "follower"
                else "Unattached; a random election timeout"
            )
            return Text(
                f"controller {c} gets no majority of pre-votes in epoch {e} ({why}): it becomes "
                f"{state}, {wait} ms, before it turns Prospective again",
                style="warning",
            )
        case k.ControllerElected(new_active=c, epoch=e, votes=votes):
            return Text(
                f"controller {c} wins epoch {e} with votes from {_ids(votes)}: it is the new "
                "active controller (Raft leader of __cluster_metadata)",
                style="election",
            )
        case k.ControllerResigned(controller=c, epoch=e):
            return Text(
                f"controller {c} resigns in epoch {e}: no fetch from a majority (check-quorum)",
                style="warning",
            )
        case k.BrokerSessionsRenewed(controller=c, brokers=brokers):
            return Text(
                f"controller {c} takes over and gives every registered broker a FRESH session "
                f"({_ids(brokers)}): a dead broker is fenced only "
                "broker.session.timeout.ms from now",
                style="election",
            )
        case k.ActiveControllerDiscovered(broker=b, controller=c, epoch=e):
            return Text(f"broker {b} finds the active controller {c} (epoch {e})")
        case k.BrokerSessionExpired(
            at_ms=at, broker=b, last_contact_ms=last, session_timeout_ms=t, check_period_ms=every
        ):
            # lastContact: its last heartbeat, or the moment a new controller renewed it.
            since = f"t={last} ms" if last >= 0 else f"{-last} ms before the run started"
            return Text(
                f"the controller's periodic check (every broker.session.timeout.ms / 8 = {every} "
                f"ms) finds broker {b}'s session expired, {at - last - t} ms after its deadline: "
                f"no contact since {since} (broker.session.timeout.ms={t})",
                style="failure",
            )
        case k.BrokerFenced(broker=b, offset=o):
            return Text(
                f"the controller fences broker {b} (metadata offset {o}): it leaves every ISR "
                "where another member remains",
                style="election",
            )
        case k.BrokerRegistered(broker=b, offset=o):
            return Text(f"broker {b} registers with the controller (offset {o}), fenced")
        case k.BrokerRegistrationRefused(
            broker=b, error=err, session_expires_ms=until, retry_ms=retry
        ):
            return Text(
                f"the controller refuses broker {b}'s registration: {err} (its previous "
                f"incarnation's session is valid until {until} ms); it retries in {retry} ms "
                "(broker.heartbeat.interval.ms)",
                style="warning",
            )
        case k.BrokerUnfenced(broker=b):
            return Text(
                f"broker {b} caught up with the metadata log: the controller unfences it "
                "(a restarted broker opens its listeners to clients only once it learns this)"
            )
        case (
            k.PartitionLeaderElected(
                topic=t, partition=p, old_leader=old, new_leader=new, leader_epoch=e, isr_after=isr
            ) as elected
        ):
            if elected.unclean:
                why = (
                    "UNCLEAN: no in-sync replica is registered and unfenced, and "
                    "unclean.leader.election.enable lets an out-of-sync replica lead; what it "
                    "never fetched is gone, acknowledged or not"
                )
            elif new == views.NO_LEADER:
                why = "no in-sync replica is registered and unfenced: the partition is offline"
            else:
                why = (
                    "the first in-sync replica in assignment order that is registered and unfenced"
                )
            return Text(
                f"{t}/partition-{p}: leader {_leader(old)} → {_leader(new)}, leader epoch {e}, "
                f"ISR [{_ids(isr)}] ({why})",
                style="failure" if new == views.NO_LEADER or elected.unclean else "election",
            )
        case k.IsrShrunk(topic=t, partition=p, removed=b, isr_after=isr):
            return Text(f"{t}/partition-{p}: broker {b} leaves the ISR → [{_ids(isr)}]")
        case k.IsrExpanded(topic=t, partition=p, added=b, isr_after=isr):
            return Text(
                f"{t}/partition-{p}: broker {b} caught up with the leader and rejoins the ISR → "
                f"[{_ids(isr)}] (AlterPartition)",
                style="ack",
            )
        case k.MetadataRecordCommitted(offset=o, what=what):
            return Text(f"metadata record {o} committed by a majority of controllers: {what}")
        case k.BrokerMetadataApplied(broker=b, offset=o):
            return Text(f"broker {b} applies the metadata log up to offset {o} to its cache")
        case k.NoQuorum(alive=alive):
            return Text(
                f"only controller(s) {_ids(alive)} alive: no majority, so no active controller "
                "can be elected; metadata cannot change",
                style="failure",
            )
        case (
            s.BrokerShutdownRequested()
            | s.BrokerInControlledShutdown()
            | s.ControlledShutdownPending()
            | s.BrokerShutdownGranted()
            | s.BrokerStopped()
            | s.LeaderImbalanceChecked()
        ):
            return describe_shutdown(event)
        case _:
            assert_never(event)
