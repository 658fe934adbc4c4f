//! Certificate policy processing (RFC 5280 6.1): the `valid_policy_tree`
//! with the `explicit_policy`, `inhibit_anyPolicy` and `policy_mapping`
//! counters.
//!
//! The path builder feeds the certificates of a candidate path in order
//! (first the one issued by the trust anchor, last the end entity) to
//! [`PolicyProcessor::process`] and then calls [`PolicyProcessor::finish`].
//! The steps implemented here are 6.1.2 (a)(d)(e)(f), 6.1.3 (d)(e)(f),
//! 6.1.4 (a)(b)(h)(i)(j) and 6.1.5 (a)(b)(g); every rule below names its step.
//!
//! The tree is an arena of nodes. Hostile certificates with many policies and
//! mappings can make it grow exponentially with the path length, so every
//! node creation and every mapped expected-policy entry is charged to a
//! [`PolicyBudget`]; exhaustion is an `Err` naming the limit.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::PolicyConstraints;

use crate::cert::extensions::oid;
use crate::cert::{Certificate, ExtensionValue};

use super::findings::{Finding, ResultCode};

/// anyPolicy, 2.5.29.32.0 (RFC 5280 4.2.1.4).
pub(crate) const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

/// The user's inputs to policy processing (RFC 5280 6.1.1 (c)(e)(f)(g)).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct PolicySettings {
    /// user-initial-policy-set; empty (or containing anyPolicy) means
    /// {anyPolicy}.
    pub initial_policy_set: Vec<ObjectIdentifier>,
    /// initial-explicit-policy: the path must be valid for at least one
    /// policy of the initial set.
    pub initial_explicit_policy: bool,
    /// initial-policy-mapping-inhibit: policy mapping is not permitted.
    pub initial_policy_mapping_inhibit: bool,
    /// initial-any-policy-inhibit: anyPolicy in a certificate is not
    /// processed.
    pub initial_any_policy_inhibit: bool,
}

/// Limits on the work policy extensions can cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PolicyBudget {
    /// Nodes ever created in the valid_policy_tree (pruned ones included).
    /// 10,000: the largest tree the PKITS policy tests (4.8-4.12) build has
    /// 11 nodes and real paths assert a handful of policies per certificate,
    /// so this leaves orders of magnitude of headroom; hostile certificates
    /// with k policies mapped k-to-k grow the tree as k^depth, and 10,000
    /// nodes keep both memory (about a megabyte) and time (milliseconds)
    /// small.
    pub max_nodes: usize,
    /// Expected-policy-set entries assigned by policy mapping (6.1.4 (b)(1)),
    /// summed over nodes: a node's expected set is scanned when the next
    /// certificate is processed, so this bounds that scan. 100,000: ten
    /// mapped policies per node of a full tree.
    pub max_mapped_entries: usize,
}

impl Default for PolicyBudget {
    fn default() -> Self {
        PolicyBudget {
            max_nodes: 10_000,
            max_mapped_entries: 100_000,
        }
    }
}

/// What policy processing concluded for a path (RFC 5280 6.1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyOutcome {
    /// 6.1.5: explicit_policy > 0 or the valid_policy_tree (after the
    /// intersection of step (g)) is not NULL.
    pub valid: bool,
    /// The policies, in the trust anchor's domain, for which the path is
    /// valid before the user-initial-policy-set is applied; anyPolicy
    /// (2.5.29.32.0) when the path is valid for any policy.
    pub authorities_constrained_policy_set: Vec<ObjectIdentifier>,
    /// The authorities-constrained policy set intersected with the
    /// user-initial-policy-set (6.1.5 (g)); contains anyPolicy when both are
    /// any-policy.
    pub user_constrained_policy_set: Vec<ObjectIdentifier>,
    /// Why the path is invalid, when it is.
    pub detail: Option<String>,
}

type NodeId = usize;

/// One node of the valid_policy_tree (RFC 5280 6.1.2 (a)).
#[derive(Debug, Clone)]
struct PolicyNode {
    // The qualifier_set of RFC 5280 6.1.2 (a) is not kept: qualifiers have
    // no processing requirements (4.2.1.4) and nothing here reports them.
    valid_policy: ObjectIdentifier,
    /// Shared: policy mapping gives many nodes the same set.
    expected_policy_set: Arc<[ObjectIdentifier]>,
    depth: usize,
    parent: Option<NodeId>,
    children: Vec<NodeId>,
    alive: bool,
}

/// One PolicyInformation of a certificatePolicies extension.
struct PolicyInfo {
    oid: ObjectIdentifier,
}

/// The state of RFC 5280 6.1 policy processing along one path.
#[derive(Debug, Clone)]
pub(crate) struct PolicyProcessor {
    /// Arena of every node created; pruned nodes stay with `alive == false`.
    nodes: Vec<PolicyNode>,
    /// `levels[d]`: the live nodes of depth d. The tree is NULL when
    /// `levels[0]` is empty.
    levels: Vec<Vec<NodeId>>,
    /// Certificates in the path, trust anchor excluded.
    n: usize,
    /// The index the next call to `process` must carry.
    next: usize,
    explicit_policy: usize,
    inhibit_any_policy: usize,
    policy_mapping: usize,
    /// Where explicit_policy became 0 (for the detail of an invalid result).
    explicit_policy_reason: Option<String>,
    /// None means any-policy.
    initial_policy_set: Option<Vec<ObjectIdentifier>>,
    budget: PolicyBudget,
    mapped_entries: usize,
}

impl PolicyProcessor {
    /// 6.1.2: n = number of certificates in the path, trust anchor excluded.
    pub(crate) fn new(settings: &PolicySettings, n: usize) -> Self {
        Self::with_budget(settings, n, PolicyBudget::default())
    }

    /// As [`PolicyProcessor::new`] with explicit limits.
    pub(crate) fn with_budget(settings: &PolicySettings, n: usize, budget: PolicyBudget) -> Self {
        // 6.1.2 (a): the tree starts as one node of depth 0: anyPolicy,
        // expected_policy_set {anyPolicy}.
        let root = PolicyNode {
            valid_policy: ANY_POLICY,
            expected_policy_set: Arc::from(vec![ANY_POLICY]),
            depth: 0,
            parent: None,
            children: Vec::new(),
            alive: true,
        };
        let start = n.saturating_add(1);
        // 6.1.2 (d)(e)(f): 0 when the corresponding initial input is set,
        // otherwise n + 1.
        let counter = |inhibited: bool| if inhibited { 0 } else { start };
        // 6.1.1 (c): a user-initial-policy-set of {anyPolicy} (or empty, our
        // shorthand) is "any-policy".
        let initial_policy_set = if settings.initial_policy_set.is_empty()
            || settings.initial_policy_set.contains(&ANY_POLICY)
        {
            None
        } else {
            Some(dedup(settings.initial_policy_set.iter().copied()))
        };
        PolicyProcessor {
            nodes: vec![root],
            levels: vec![vec![0]],
            n,
            next: 1,
            explicit_policy: counter(settings.initial_explicit_policy),
            inhibit_any_policy: counter(settings.initial_any_policy_inhibit),
            policy_mapping: counter(settings.initial_policy_mapping_inhibit),
            explicit_policy_reason: settings
                .initial_explicit_policy
                .then(|| "initial-explicit-policy is set".to_string()),
            initial_policy_set,
            budget,
            mapped_entries: 0,
        }
    }

    /// 6.1.3 (d)(e)(f) for certificate i (1-based, trust anchor excluded,
    /// i == n is the end entity), then, when i < n, 6.1.4 (a)(b)(h)(i)(j).
    /// Err(finding) when a step makes the path invalid outright (6.1.3 (f)
    /// explicit_policy == 0 with a NULL tree; 6.1.4 (a) a mapping to or from
    /// anyPolicy), when a policy extension is malformed, or when the budget
    /// is exhausted.
    pub(crate) fn process(&mut self, cert: &Certificate, i: usize) -> Result<(), Finding> {
        if i != self.next || i == 0 || i > self.n {
            return Err(rejected(format!(
                "policy processing: certificate {i} given out of order (expected {} of {})",
                self.next, self.n
            )));
        }
        self.next = i.saturating_add(1);
        let self_issued = cert.is_self_issued();

        let policies = certificate_policies(cert).map_err(|e| at(i, e))?;
        self.levels.push(Vec::new());
        match policies {
            // 6.1.3 (d): the extension is present and the tree is not NULL.
            Some(policies) if !self.tree_is_null() => {
                self.apply_policies(&policies, i, self_issued)
                    .map_err(|e| at(i, e))?;
            }
            // 6.1.3 (d) does not apply to a NULL tree.
            Some(_) => {}
            // 6.1.3 (e): no certificatePolicies extension: the tree becomes
            // NULL.
            None => self.make_null(),
        }
        // 6.1.3 (f): explicit_policy > 0 or the tree is not NULL.
        if self.explicit_policy == 0 && self.tree_is_null() {
            return Err(rejected(format!(
                "certificate {i}: RFC 5280 6.1.3 (f): the valid_policy_tree is NULL ({}) \
                 and an explicit policy is required ({})",
                if cert.extension(&oid::CERTIFICATE_POLICIES).is_none() {
                    "the certificate has no certificatePolicies extension"
                } else {
                    "no policy is valid along the path up to this certificate"
                },
                self.explicit_policy_reason
                    .as_deref()
                    .unwrap_or("explicit_policy is 0"),
            )));
        }

        // The end entity's policyConstraints matter in 6.1.5 (b): surface a
        // malformed one here, where an Err can be returned.
        let constraints = policy_constraints(cert).map_err(|e| at(i, e))?;
        if i == self.n {
            return Ok(());
        }

        // 6.1.4 (a)(b): policy mappings.
        if let Some(mappings) = policy_mappings(cert).map_err(|e| at(i, e))? {
            self.apply_mappings(&mappings, i).map_err(|e| at(i, e))?;
        }
        // 6.1.4 (h): a certificate that is not self-issued decrements each
        // non-zero counter.
        if !self_issued {
            self.explicit_policy = self.explicit_policy.saturating_sub(1);
            self.policy_mapping = self.policy_mapping.saturating_sub(1);
            self.inhibit_any_policy = self.inhibit_any_policy.saturating_sub(1);
            if self.explicit_policy == 0 && self.explicit_policy_reason.is_none() {
                self.explicit_policy_reason = Some(format!(
                    "explicit_policy counted down to 0 at certificate {i}"
                ));
            }
        }
        // 6.1.4 (i): policyConstraints lowers explicit_policy and
        // policy_mapping to its skip counts.
        if let Some(pc) = constraints {
            if let Some(r) = pc.require_explicit_policy {
                let r = to_usize(r);
                if r < self.explicit_policy {
                    self.explicit_policy = r;
                    let counted = if r == 0 {
                        ""
                    } else {
                        ", counted down to 0 since"
                    };
                    self.explicit_policy_reason = Some(format!(
                        "certificate {i} has policyConstraints requireExplicitPolicy {r}{counted}"
                    ));
                }
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                self.policy_mapping = self.policy_mapping.min(to_usize(m));
            }
        }
        // 6.1.4 (j): inhibitAnyPolicy lowers inhibit_anyPolicy to its
        // SkipCerts.
        if let Some(skip) = inhibit_any_policy(cert).map_err(|e| at(i, e))? {
            self.inhibit_any_policy = self.inhibit_any_policy.min(to_usize(skip));
        }
        Ok(())
    }

    /// 6.1.5 (a)(b)(g) for the end entity, and the user-constrained policy
    /// set computed as 6.1.5 (g) says.
    pub(crate) fn finish(mut self, leaf: &Certificate) -> PolicyOutcome {
        if self.next != self.n.saturating_add(1) {
            return invalid(format!(
                "policy processing: {} of {} certificates processed",
                self.next.saturating_sub(1),
                self.n
            ));
        }
        // 6.1.5 (a): decrement a non-zero explicit_policy.
        self.explicit_policy = self.explicit_policy.saturating_sub(1);
        if self.explicit_policy == 0 && self.explicit_policy_reason.is_none() {
            self.explicit_policy_reason =
                Some("explicit_policy counted down to 0 at the end entity".to_string());
        }
        // 6.1.5 (b): requireExplicitPolicy 0 in the end entity sets
        // explicit_policy to 0.
        match policy_constraints(leaf) {
            Ok(Some(pc)) if pc.require_explicit_policy == Some(0) => {
                self.explicit_policy = 0;
                self.explicit_policy_reason = Some(
                    "the end entity has policyConstraints requireExplicitPolicy 0".to_string(),
                );
            }
            Ok(_) => {}
            Err(e) => return invalid(format!("end entity: {}", e.detail)),
        }

        // 6.1.5 (g)(i): a NULL tree intersects to NULL.
        let tree_was_null = self.tree_is_null();
        let authorities = self.authorities_constrained_policy_set();
        let user = match &self.initial_policy_set {
            // 6.1.5 (g)(ii): user-initial-policy-set is any-policy: the tree
            // is the intersection.
            None => authorities.clone(),
            Some(initial) => {
                // 6.1.5 (g)(iii)(1)(2): of the valid_policy_node_set (the
                // nodes whose parent is anyPolicy), keep those whose
                // valid_policy is in the initial set or is anyPolicy.
                let mut user: Vec<ObjectIdentifier> = authorities
                    .iter()
                    .filter(|p| initial.contains(p))
                    .copied()
                    .collect();
                // 6.1.5 (g)(iii)(3): an anyPolicy node of depth n stands for
                // every policy of the initial set not already present.
                if authorities.contains(&ANY_POLICY) {
                    for p in initial {
                        if !user.contains(p) {
                            user.push(*p);
                        }
                    }
                }
                user
            }
        };
        // 6.1.5 (g)(iii)(4): pruning leaves the tree NULL exactly when no
        // policy survives the intersection. Then 6.1.5: success if
        // explicit_policy > 0 or the tree is not NULL.
        let valid = self.explicit_policy > 0 || !user.is_empty();
        let detail = (!valid).then(|| {
            let why = self
                .explicit_policy_reason
                .as_deref()
                .unwrap_or("explicit_policy is 0");
            if tree_was_null {
                format!(
                    "RFC 5280 6.1.5 (g): no certificate policy is valid for the whole path \
                     (the valid_policy_tree is NULL) and an explicit policy is required ({why})"
                )
            } else {
                format!(
                    "RFC 5280 6.1.5 (g): the path is valid for {} but none is in the \
                     user-initial-policy-set {}, and an explicit policy is required ({why})",
                    oid_list(&authorities),
                    oid_list(self.initial_policy_set.as_deref().unwrap_or(&[])),
                )
            }
        });
        PolicyOutcome {
            valid,
            authorities_constrained_policy_set: authorities,
            user_constrained_policy_set: user,
            detail,
        }
    }

    /// 6.1.3 (d)(1)-(3) for certificate i, whose policies are `policies`.
    fn apply_policies(
        &mut self,
        policies: &[PolicyInfo],
        i: usize,
        self_issued: bool,
    ) -> Result<(), Finding> {
        let parents = self.level(i - 1).to_vec();
        // Index the nodes of depth i-1 by the policies they expect.
        let mut expecting: HashMap<ObjectIdentifier, Vec<NodeId>> = HashMap::new();
        let mut any_parent = None;
        for &p in &parents {
            let node = &self.nodes[p];
            if node.valid_policy == ANY_POLICY {
                any_parent = Some(p);
            }
            for &e in node.expected_policy_set.iter() {
                expecting.entry(e).or_default().push(p);
            }
        }

        // 6.1.3 (d)(1): each policy P-OID other than anyPolicy.
        let mut asserts_any = false;
        for info in policies {
            if info.oid == ANY_POLICY {
                asserts_any = true;
                continue;
            }
            let expected: Arc<[ObjectIdentifier]> = Arc::from(vec![info.oid]);
            match (expecting.get(&info.oid), any_parent) {
                // 6.1.3 (d)(1)(i): a child of every node of depth i-1 whose
                // expected_policy_set contains P-OID.
                (Some(matching), _) => {
                    for &parent in matching {
                        self.add_child(parent, info.oid, &expected)?;
                    }
                }
                // 6.1.3 (d)(1)(ii): no match: a child of the anyPolicy node
                // of depth i-1, if there is one.
                (None, Some(parent)) => {
                    self.add_child(parent, info.oid, &expected)?;
                }
                (None, None) => {}
            }
        }

        // 6.1.3 (d)(2): the certificate asserts anyPolicy and either
        // inhibit_anyPolicy > 0 or it is a self-issued intermediate: every
        // node of depth i-1 gets a child for each expected policy no child
        // already has.
        if asserts_any && (self.inhibit_any_policy > 0 || (i < self.n && self_issued)) {
            for &parent in &parents {
                let present: HashSet<ObjectIdentifier> = self.nodes[parent]
                    .children
                    .iter()
                    .map(|&c| self.nodes[c].valid_policy)
                    .collect();
                let expected = Arc::clone(&self.nodes[parent].expected_policy_set);
                for &e in expected.iter() {
                    if !present.contains(&e) {
                        self.add_child(parent, e, &Arc::from(vec![e]))?;
                    }
                }
            }
        }

        // 6.1.3 (d)(3): prune nodes of depth i-1 or less without children.
        self.prune_above(i);
        Ok(())
    }

    /// 6.1.4 (b) for intermediate certificate i.
    fn apply_mappings(&mut self, mappings: &[Mapping], i: usize) -> Result<(), Finding> {
        if self.tree_is_null() {
            return Ok(());
        }
        if self.policy_mapping > 0 {
            // 6.1.4 (b)(1): policy mapping is permitted.
            let mut by_policy: HashMap<ObjectIdentifier, Vec<NodeId>> = HashMap::new();
            let mut any_node = None;
            for &id in self.level(i) {
                let node = &self.nodes[id];
                if node.valid_policy == ANY_POLICY {
                    any_node = Some(id);
                }
                by_policy.entry(node.valid_policy).or_default().push(id);
            }
            for m in mappings {
                let subjects = Arc::clone(&m.subject_policies);
                match (by_policy.get(&m.issuer_policy), any_node) {
                    // Each node of depth i with valid_policy ID-P expects the
                    // subjectDomainPolicies mapped from ID-P.
                    (Some(ids), _) => {
                        for &id in ids {
                            self.charge_mapped(subjects.len())?;
                            self.nodes[id].expected_policy_set = Arc::clone(&subjects);
                        }
                    }
                    // No node for ID-P but an anyPolicy node of depth i: a
                    // node for ID-P is generated as a sibling of it (a child
                    // of the anyPolicy node of depth i-1), expecting the
                    // mapped policies.
                    (None, Some(any)) => {
                        let Some(parent) = self.nodes[any].parent else {
                            return Err(rejected("policy tree: anyPolicy node without a parent"));
                        };
                        self.charge_mapped(subjects.len())?;
                        self.add_child(parent, m.issuer_policy, &subjects)?;
                    }
                    (None, None) => {}
                }
            }
        } else {
            // 6.1.4 (b)(2): mapping is inhibited: delete every node of depth
            // i whose valid_policy is a mapped issuerDomainPolicy, then prune
            // nodes of depth i-1 or less left without children.
            let mapped: HashSet<ObjectIdentifier> =
                mappings.iter().map(|m| m.issuer_policy).collect();
            for &id in self.levels.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                if mapped.contains(&self.nodes[id].valid_policy) {
                    self.nodes[id].alive = false;
                }
            }
            if let Some(level) = self.levels.get_mut(i) {
                level.retain(|&id| self.nodes[id].alive);
            }
            self.prune_above(i);
        }
        Ok(())
    }

    /// Appends a child of `parent` at the next depth, within the budget.
    fn add_child(
        &mut self,
        parent: NodeId,
        valid_policy: ObjectIdentifier,
        expected: &Arc<[ObjectIdentifier]>,
    ) -> Result<(), Finding> {
        if self.nodes.len() >= self.budget.max_nodes {
            return Err(rejected(format!(
                "policy processing budget exhausted: the valid_policy_tree would exceed {} nodes",
                self.budget.max_nodes
            )));
        }
        let id = self.nodes.len();
        let depth = self.nodes[parent].depth.saturating_add(1);
        self.nodes.push(PolicyNode {
            valid_policy,
            expected_policy_set: Arc::clone(expected),
            depth,
            parent: Some(parent),
            children: Vec::new(),
            alive: true,
        });
        self.nodes[parent].children.push(id);
        if let Some(level) = self.levels.get_mut(depth) {
            level.push(id);
        } else {
            return Err(rejected(format!("policy tree: depth {depth} out of range")));
        }
        Ok(())
    }

    fn charge_mapped(&mut self, entries: usize) -> Result<(), Finding> {
        self.mapped_entries = self.mapped_entries.saturating_add(entries);
        if self.mapped_entries > self.budget.max_mapped_entries {
            return Err(rejected(format!(
                "policy processing budget exhausted: policy mapping would assign more than {} \
                 expected policies",
                self.budget.max_mapped_entries
            )));
        }
        Ok(())
    }

    /// Deletes, from depth `depth - 1` up to the root, every node left
    /// without children (the pruning of 6.1.3 (d)(3) and 6.1.4 (b)(2)).
    fn prune_above(&mut self, depth: usize) {
        for d in (0..depth.min(self.levels.len())).rev() {
            let mut level = std::mem::take(&mut self.levels[d]);
            for &id in &level {
                let mut children = std::mem::take(&mut self.nodes[id].children);
                children.retain(|&c| self.nodes[c].alive);
                if children.is_empty() {
                    self.nodes[id].alive = false;
                }
                self.nodes[id].children = children;
            }
            level.retain(|&id| self.nodes[id].alive);
            self.levels[d] = level;
        }
    }

    /// 6.1.3 (e): the tree becomes NULL.
    fn make_null(&mut self) {
        for level in &mut self.levels {
            for &id in level.iter() {
                self.nodes[id].alive = false;
            }
            level.clear();
        }
    }

    fn tree_is_null(&self) -> bool {
        self.level(0).is_empty()
    }

    fn level(&self, depth: usize) -> &[NodeId] {
        self.levels.get(depth).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The policies of the valid_policy_node_set (RFC 5280 6.1.5 (g)(iii)):
    /// the live nodes other than anyPolicy whose parent is anyPolicy, which
    /// are the path's policies in the trust anchor's domain; plus anyPolicy
    /// when an anyPolicy node of depth n survives (the path is valid for any
    /// policy). After pruning every live node has a descendant of depth n.
    fn authorities_constrained_policy_set(&self) -> Vec<ObjectIdentifier> {
        let mut set = Vec::new();
        for level in &self.levels {
            for &id in level {
                let node = &self.nodes[id];
                let parent_is_any = node
                    .parent
                    .is_some_and(|p| self.nodes[p].valid_policy == ANY_POLICY);
                if parent_is_any
                    && node.valid_policy != ANY_POLICY
                    && !set.contains(&node.valid_policy)
                {
                    set.push(node.valid_policy);
                }
            }
        }
        if self
            .level(self.n)
            .iter()
            .any(|&id| self.nodes[id].valid_policy == ANY_POLICY)
        {
            set.push(ANY_POLICY);
        }
        set
    }
}

/// One issuerDomainPolicy with every subjectDomainPolicy mapped from it.
struct Mapping {
    issuer_policy: ObjectIdentifier,
    subject_policies: Arc<[ObjectIdentifier]>,
}

/// The certificatePolicies extension (RFC 5280 4.2.1.4), if present.
fn certificate_policies(cert: &Certificate) -> Result<Option<Vec<PolicyInfo>>, Finding> {
    let Some(value) = single_extension(cert, &oid::CERTIFICATE_POLICIES, "certificatePolicies")?
    else {
        return Ok(None);
    };
    let ExtensionValue::CertificatePolicies(policies) = value else {
        return Err(malformed("certificatePolicies", value));
    };
    // RFC 5280 4.2.1.4: SEQUENCE SIZE (1..MAX) OF PolicyInformation.
    if policies.0.is_empty() {
        return Err(rejected(
            "certificatePolicies is empty (RFC 5280 4.2.1.4: SIZE (1..MAX))",
        ));
    }
    let mut seen = HashSet::new();
    let mut infos = Vec::with_capacity(policies.0.len());
    for info in &policies.0 {
        // RFC 5280 4.2.1.4: "A certificate policy OID MUST NOT appear more
        // than once in a certificate policies extension."
        if !seen.insert(info.policy_identifier) {
            return Err(rejected(format!(
                "certificatePolicies lists policy {} more than once (RFC 5280 4.2.1.4)",
                info.policy_identifier
            )));
        }
        infos.push(PolicyInfo {
            oid: info.policy_identifier,
        });
    }
    Ok(Some(infos))
}

/// The policyMappings extension (RFC 5280 4.2.1.5), grouped by
/// issuerDomainPolicy in order of first appearance.
fn policy_mappings(cert: &Certificate) -> Result<Option<Vec<Mapping>>, Finding> {
    let Some(value) = single_extension(cert, &oid::POLICY_MAPPINGS, "policyMappings")? else {
        return Ok(None);
    };
    let ExtensionValue::PolicyMappings(mappings) = value else {
        return Err(malformed("policyMappings", value));
    };
    // RFC 5280 4.2.1.5: SEQUENCE SIZE (1..MAX).
    if mappings.0.is_empty() {
        return Err(rejected(
            "policyMappings is empty (RFC 5280 4.2.1.5: SIZE (1..MAX))",
        ));
    }
    let mut order: Vec<ObjectIdentifier> = Vec::new();
    let mut groups: HashMap<ObjectIdentifier, Vec<ObjectIdentifier>> = HashMap::new();
    for m in &mappings.0 {
        // RFC 5280 6.1.4 (a) (and 4.2.1.5): anyPolicy MUST NOT be mapped,
        // in either direction.
        if m.issuer_domain_policy == ANY_POLICY || m.subject_domain_policy == ANY_POLICY {
            return Err(rejected(format!(
                "RFC 5280 6.1.4 (a): policyMappings maps {} to {}; anyPolicy may not be mapped",
                m.issuer_domain_policy, m.subject_domain_policy
            )));
        }
        let subjects = groups.entry(m.issuer_domain_policy).or_insert_with(|| {
            order.push(m.issuer_domain_policy);
            Vec::new()
        });
        if !subjects.contains(&m.subject_domain_policy) {
            subjects.push(m.subject_domain_policy);
        }
    }
    Ok(Some(
        order
            .into_iter()
            .map(|issuer_policy| Mapping {
                issuer_policy,
                subject_policies: Arc::from(groups.remove(&issuer_policy).unwrap_or_default()),
            })
            .collect(),
    ))
}

/// The policyConstraints extension (RFC 5280 4.2.1.11), if present.
fn policy_constraints(cert: &Certificate) -> Result<Option<PolicyConstraints>, Finding> {
    let Some(value) = single_extension(cert, &oid::POLICY_CONSTRAINTS, "policyConstraints")? else {
        return Ok(None);
    };
    let ExtensionValue::PolicyConstraints(pc) = value else {
        return Err(malformed("policyConstraints", value));
    };
    // RFC 5280 4.2.1.11: "Conforming CAs MUST NOT issue certificates where
    // policy constraints is an empty sequence."
    if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
        return Err(rejected(
            "policyConstraints is an empty sequence (RFC 5280 4.2.1.11)",
        ));
    }
    Ok(Some(pc.clone()))
}

/// The inhibitAnyPolicy extension's SkipCerts (RFC 5280 4.2.1.14), if
/// present.
fn inhibit_any_policy(cert: &Certificate) -> Result<Option<u32>, Finding> {
    let Some(value) = single_extension(cert, &oid::INHIBIT_ANY_POLICY, "inhibitAnyPolicy")? else {
        return Ok(None);
    };
    match value {
        ExtensionValue::InhibitAnyPolicy(skip) => Ok(Some(*skip)),
        other => Err(malformed("inhibitAnyPolicy", other)),
    }
}

/// The value of the extension with this OID; more than one is an error
/// (RFC 5280 4.2: "A certificate MUST NOT include more than one instance of
/// a particular extension").
fn single_extension<'a>(
    cert: &'a Certificate,
    oid: &ObjectIdentifier,
    name: &str,
) -> Result<Option<&'a ExtensionValue>, Finding> {
    let mut found = cert.extensions().iter().filter(|e| e.oid() == *oid);
    let first = found.next();
    if found.next().is_some() {
        return Err(rejected(format!(
            "{name} appears more than once in the certificate (RFC 5280 4.2)"
        )));
    }
    Ok(first.map(|e| e.value()))
}

fn malformed(name: &str, value: &ExtensionValue) -> Finding {
    rejected(match value {
        ExtensionValue::Malformed(reason) => format!("{name} is malformed: {reason}"),
        _ => format!("{name} did not decode as {name}"),
    })
}

/// What makes the path invalid outright, found in policy processing: a
/// PolicyInvalid finding (the caller places it on its certificate).
fn rejected(detail: impl Into<String>) -> Finding {
    Finding::unplaced(ResultCode::PolicyInvalid, detail)
}

/// Names the certificate (1-based, trust anchor excluded) in a detail.
fn at(i: usize, finding: Finding) -> Finding {
    finding.context(format_args!("certificate {i}"))
}

fn invalid(detail: String) -> PolicyOutcome {
    PolicyOutcome {
        valid: false,
        authorities_constrained_policy_set: Vec::new(),
        user_constrained_policy_set: Vec::new(),
        detail: Some(detail),
    }
}

/// A policy skip count as usize (saturating on 16-bit targets).
fn to_usize(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

fn dedup(oids: impl Iterator<Item = ObjectIdentifier>) -> Vec<ObjectIdentifier> {
    let mut out = Vec::new();
    for o in oids {
        if !out.contains(&o) {
            out.push(o);
        }
    }
    out
}

fn oid_list(oids: &[ObjectIdentifier]) -> String {
    let items: Vec<String> = oids.iter().map(ToString::to_string).collect();
    format!("{{{}}}", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use der::asn1::OctetString;
    use std::path::PathBuf;
    use x509_cert::ext::pkix::certpolicy::PolicyInformation;
    use x509_cert::ext::pkix::{CertificatePolicies, PolicyMapping, PolicyMappings};

    /// The conformance data copied into the repository (tests/conformance).
    fn conformance_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance"))
    }

    fn pkits_cert(name: &str) -> Certificate {
        let path = conformance_dir().join("pkits/data/certs").join(name);
        let der = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("PKITS certificate {} missing: {e}", path.display()));
        Certificate::from_der(&der).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn oid(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new(s).unwrap()
    }

    fn test_policy(k: u32) -> ObjectIdentifier {
        oid(&format!("2.16.840.1.101.3.2.1.48.{k}"))
    }

    /// Runs the processor over a path; Err is an outright rejection.
    fn run(settings: &PolicySettings, path: &[Certificate]) -> Result<PolicyOutcome, String> {
        run_with(settings, path, PolicyBudget::default())
    }

    /// The detail of a rejection, once its code is checked.
    fn detail(finding: Finding) -> String {
        assert_eq!(finding.code, ResultCode::PolicyInvalid, "{finding:?}");
        finding.detail
    }

    fn run_with(
        settings: &PolicySettings,
        path: &[Certificate],
        budget: PolicyBudget,
    ) -> Result<PolicyOutcome, String> {
        let mut p = PolicyProcessor::with_budget(settings, path.len(), budget);
        for (k, cert) in path.iter().enumerate() {
            p.process(cert, k + 1).map_err(detail)?;
        }
        let leaf = path.last().expect("non-empty test path");
        Ok(p.finish(leaf))
    }

    /// PKITS tests of sections 4.8-4.12 whose verdict policy processing
    /// alone cannot decide, with the reason. Each must disagree with the
    /// expected verdict (an unexpected agreement fails the test).
    const NOT_DECIDED_BY_POLICY: &[(&str, &str)] = &[];

    use crate::path::name_constraints::test_der::tlv;

    /// The elements of a DER SEQUENCE (test data only: well-formed input).
    fn elements(der: &[u8]) -> Vec<&[u8]> {
        /// (header length, total length) of the TLV at the start of `buf`.
        fn lengths(buf: &[u8]) -> (usize, usize) {
            let first = buf[1] as usize;
            if first < 0x80 {
                (2, 2 + first)
            } else {
                let n = first & 0x7f;
                let len = buf[2..2 + n].iter().fold(0, |a, b| (a << 8) | *b as usize);
                (2 + n, 2 + n + len)
            }
        }
        let (header, total) = lengths(der);
        let mut rest = &der[header..total];
        let mut out = Vec::new();
        while !rest.is_empty() {
            let (_, len) = lengths(rest);
            out.push(&rest[..len]);
            rest = &rest[len..];
        }
        out
    }

    /// An extension's OID and DER value.
    type RawExtension = (ObjectIdentifier, Vec<u8>);

    /// A PKITS certificate with its extensions replaced by `extensions`
    /// (OID, DER value; not critical). The signature no longer verifies, which
    /// policy processing does not look at; names stay, so self-issued stays.
    fn with_extensions(base: &str, extensions: &[RawExtension]) -> Certificate {
        let path = conformance_dir().join("pkits/data/certs").join(base);
        let der = std::fs::read(&path).unwrap();
        let outer = elements(&der);
        let mut tbs: Vec<u8> = elements(outer[0])
            .into_iter()
            .filter(|e| e[0] != 0xa3)
            .flatten()
            .copied()
            .collect();
        let mut exts = Vec::new();
        for (id, value) in extensions {
            let ext = x509_cert::ext::Extension {
                extn_id: *id,
                critical: false,
                extn_value: OctetString::new(value.clone()).unwrap(),
            };
            exts.extend(ext.to_der().unwrap());
        }
        tbs.extend(tlv(0xa3, &tlv(0x30, &exts)));
        let mut cert = tlv(0x30, &tbs);
        cert.extend_from_slice(outer[1]);
        cert.extend_from_slice(outer[2]);
        Certificate::from_der(&tlv(0x30, &cert)).unwrap()
    }

    fn policies_der(oids: &[ObjectIdentifier]) -> Vec<u8> {
        CertificatePolicies(
            oids.iter()
                .map(|&policy_identifier| PolicyInformation {
                    policy_identifier,
                    policy_qualifiers: None,
                })
                .collect(),
        )
        .to_der()
        .unwrap()
    }

    fn mappings_der(pairs: &[(ObjectIdentifier, ObjectIdentifier)]) -> Vec<u8> {
        PolicyMappings(
            pairs
                .iter()
                .map(
                    |&(issuer_domain_policy, subject_domain_policy)| PolicyMapping {
                        issuer_domain_policy,
                        subject_domain_policy,
                    },
                )
                .collect(),
        )
        .to_der()
        .unwrap()
    }

    /// An intermediate (not self-issued) and an end entity.
    const CA: &str = "GoodCACert.crt";
    const EE: &str = "ValidCertificatePathTest1EE.crt";
    /// A self-issued intermediate.
    const SELF_ISSUED_CA: &str = "inhibitPolicyMapping1P1SelfIssuedCACert.crt";

    fn policy_ext(oids: &[ObjectIdentifier]) -> RawExtension {
        (oid::CERTIFICATE_POLICIES, policies_der(oids))
    }

    #[test]
    fn hostile_mappings_exhaust_the_node_budget() {
        // Every CA asserts P1..P12 and maps each to all twelve: the tree
        // grows twelvefold per certificate (12, 144, 1,728, 20,736 nodes).
        let ps: Vec<ObjectIdentifier> = (1..=12).map(test_policy).collect();
        let pairs: Vec<_> = ps
            .iter()
            .flat_map(|&a| ps.iter().map(move |&b| (a, b)))
            .collect();
        let ca = with_extensions(
            CA,
            &[
                policy_ext(&ps),
                (oid::POLICY_MAPPINGS, mappings_der(&pairs)),
            ],
        );
        let ee = with_extensions(EE, &[policy_ext(&ps)]);
        let mut path = vec![ca; 6];
        path.push(ee);
        let start = std::time::Instant::now();
        let err = run(&PolicySettings::default(), &path).unwrap_err();
        assert!(
            err.contains("budget exhausted") && err.contains("10000 nodes"),
            "{err}"
        );
        assert!(err.starts_with("certificate 4:"), "{err}");
        assert!(start.elapsed().as_secs() < 5);

        // The mapped-entries limit is separate.
        let budget = PolicyBudget {
            max_nodes: 1_000_000,
            max_mapped_entries: 100,
        };
        let err = run_with(&PolicySettings::default(), &path, budget).unwrap_err();
        assert!(err.contains("expected policies"), "{err}");

        // Two such CAs stay well inside the budget and yield all twelve.
        let outcome = run(&PolicySettings::default(), &path[4..]).unwrap();
        assert!(outcome.valid);
        assert_eq!(outcome.user_constrained_policy_set, ps);
    }

    #[test]
    fn malformed_policy_extensions_are_errors() {
        let p1 = test_policy(1);
        let ee = with_extensions(EE, &[policy_ext(&[p1])]);
        let cases: Vec<(Vec<RawExtension>, &str)> = vec![
            (
                vec![(oid::CERTIFICATE_POLICIES, vec![0x04, 0x00])],
                "certificatePolicies is malformed",
            ),
            (vec![policy_ext(&[])], "certificatePolicies is empty"),
            (
                vec![policy_ext(&[p1, test_policy(2), p1])],
                "lists policy 2.16.840.1.101.3.2.1.48.1 more than once",
            ),
            (
                vec![policy_ext(&[p1]), policy_ext(&[test_policy(2)])],
                "certificatePolicies appears more than once",
            ),
            (
                vec![policy_ext(&[p1]), (oid::POLICY_MAPPINGS, vec![0x30, 0x00])],
                "policyMappings is empty",
            ),
            (
                vec![
                    policy_ext(&[p1]),
                    (oid::POLICY_MAPPINGS, vec![0x02, 0x01, 0x00]),
                ],
                "policyMappings is malformed",
            ),
            (
                vec![
                    policy_ext(&[p1]),
                    (oid::POLICY_MAPPINGS, mappings_der(&[(ANY_POLICY, p1)])),
                ],
                "6.1.4 (a)",
            ),
            (
                vec![
                    policy_ext(&[p1]),
                    (oid::POLICY_CONSTRAINTS, vec![0x30, 0x00]),
                ],
                "policyConstraints is an empty sequence",
            ),
            (
                vec![policy_ext(&[p1]), (oid::POLICY_CONSTRAINTS, vec![0x30])],
                "policyConstraints is malformed",
            ),
            (
                vec![
                    policy_ext(&[p1]),
                    (oid::INHIBIT_ANY_POLICY, vec![0x02, 0x01, 0xff]),
                ],
                "inhibitAnyPolicy is malformed",
            ),
        ];
        for (extensions, want) in cases {
            let ca = with_extensions(CA, &extensions);
            let err = run(&PolicySettings::default(), &[ca, ee.clone()]).unwrap_err();
            assert!(err.starts_with("certificate 1: "), "{err}");
            assert!(err.contains(want), "{err} should contain {want}");
        }
        // The end entity's policyConstraints is checked too (6.1.5 (b)).
        let ee_bad = with_extensions(
            EE,
            &[
                policy_ext(&[p1]),
                (oid::POLICY_CONSTRAINTS, vec![0x30, 0x00]),
            ],
        );
        let ca = with_extensions(CA, &[policy_ext(&[p1])]);
        let err = run(&PolicySettings::default(), &[ca, ee_bad]).unwrap_err();
        assert!(err.starts_with("certificate 2: policyConstraints"), "{err}");
    }

    #[test]
    fn end_entity_require_explicit_policy_zero() {
        // 6.1.5 (b): requireExplicitPolicy 0 in the end entity: a NULL tree
        // is no longer acceptable.
        let p1 = test_policy(1);
        let ca = with_extensions(CA, &[policy_ext(&[p1])]);
        let require = PolicyConstraints {
            require_explicit_policy: Some(0),
            inhibit_policy_mapping: None,
        }
        .to_der()
        .unwrap();
        let ee = with_extensions(
            EE,
            &[
                policy_ext(&[test_policy(2)]),
                (oid::POLICY_CONSTRAINTS, require.clone()),
            ],
        );
        let outcome = run(&PolicySettings::default(), &[ca.clone(), ee]).unwrap();
        assert!(!outcome.valid);
        assert!(
            outcome
                .detail
                .unwrap()
                .contains("end entity has policyConstraints")
        );
        // Without it the path is valid for no policy.
        let ee = with_extensions(EE, &[policy_ext(&[test_policy(2)])]);
        let outcome = run(&PolicySettings::default(), &[ca.clone(), ee]).unwrap();
        assert!(outcome.valid && outcome.user_constrained_policy_set.is_empty());
        // A matching policy satisfies it.
        let ee = with_extensions(EE, &[policy_ext(&[p1]), (oid::POLICY_CONSTRAINTS, require)]);
        let outcome = run(&PolicySettings::default(), &[ca, ee]).unwrap();
        assert!(outcome.valid && outcome.detail.is_none());
        assert_eq!(outcome.authorities_constrained_policy_set, vec![p1]);
    }

    #[test]
    fn any_policy_sets_and_settings() {
        let p1 = test_policy(1);
        let p2 = test_policy(2);
        let ca = with_extensions(CA, &[policy_ext(&[ANY_POLICY])]);
        let ee = with_extensions(EE, &[policy_ext(&[ANY_POLICY])]);
        let path = [ca.clone(), ee.clone()];
        // anyPolicy all the way: valid for any policy.
        let outcome = run(&PolicySettings::default(), &path).unwrap();
        assert_eq!(outcome.user_constrained_policy_set, vec![ANY_POLICY]);
        assert_eq!(outcome.authorities_constrained_policy_set, vec![ANY_POLICY]);
        // 6.1.5 (g)(iii)(3): a specific initial set takes anyPolicy's place.
        let settings = PolicySettings {
            initial_policy_set: vec![p2, p1],
            initial_explicit_policy: true,
            ..PolicySettings::default()
        };
        let outcome = run(&settings, &path).unwrap();
        assert!(outcome.valid);
        assert_eq!(outcome.user_constrained_policy_set, vec![p2, p1]);
        assert_eq!(outcome.authorities_constrained_policy_set, vec![ANY_POLICY]);
        // initial-any-policy-inhibit: anyPolicy is not processed (6.1.3
        // (d)(2)), the tree becomes NULL; with an explicit policy required
        // that is fatal at the first certificate (6.1.3 (f)).
        let settings = PolicySettings {
            initial_any_policy_inhibit: true,
            initial_explicit_policy: true,
            ..PolicySettings::default()
        };
        let err = run(&settings, &path).unwrap_err();
        assert!(
            err.starts_with("certificate 1: RFC 5280 6.1.3 (f)"),
            "{err}"
        );
        // ... but a self-issued intermediate still processes anyPolicy
        // (6.1.3 (d)(2)(b)); the end entity never does.
        let si = with_extensions(SELF_ISSUED_CA, &[policy_ext(&[ANY_POLICY])]);
        let err = run(&settings, &[si, ee]).unwrap_err();
        assert!(
            err.starts_with("certificate 2: RFC 5280 6.1.3 (f)"),
            "{err}"
        );
    }

    #[test]
    fn mapping_is_inhibited_by_the_counter() {
        // CA1 maps P1 to P2 with inhibitPolicyMapping 0 (effective from the
        // next certificate); CA2 maps P2 to P3, which is then deleted
        // (6.1.4 (b)(2)).
        let (p1, p2, p3) = (test_policy(1), test_policy(2), test_policy(3));
        let inhibit = PolicyConstraints {
            require_explicit_policy: None,
            inhibit_policy_mapping: Some(0),
        }
        .to_der()
        .unwrap();
        let ca1 = with_extensions(
            CA,
            &[
                policy_ext(&[p1]),
                (oid::POLICY_MAPPINGS, mappings_der(&[(p1, p2)])),
                (oid::POLICY_CONSTRAINTS, inhibit),
            ],
        );
        let ca2 = with_extensions(
            CA,
            &[
                policy_ext(&[p2]),
                (oid::POLICY_MAPPINGS, mappings_der(&[(p2, p3)])),
            ],
        );
        let ee3 = with_extensions(EE, &[policy_ext(&[p3])]);
        let strict = PolicySettings {
            initial_explicit_policy: true,
            ..PolicySettings::default()
        };
        let err = run(&strict, &[ca1, ca2.clone(), ee3.clone()]).unwrap_err();
        assert!(
            err.starts_with("certificate 3: RFC 5280 6.1.3 (f)"),
            "{err}"
        );
        // Without inhibitPolicyMapping both mappings apply: P3 in the end
        // entity is P1 in the trust anchor's domain.
        let ca1 = with_extensions(
            CA,
            &[
                policy_ext(&[p1]),
                (oid::POLICY_MAPPINGS, mappings_der(&[(p1, p2)])),
            ],
        );
        let outcome = run(&strict, &[ca1.clone(), ca2.clone(), ee3.clone()]).unwrap();
        assert!(outcome.valid);
        assert_eq!(outcome.user_constrained_policy_set, vec![p1]);
        // initial-policy-mapping-inhibit deletes the mapped node at once.
        let settings = PolicySettings {
            initial_policy_mapping_inhibit: true,
            ..strict
        };
        let err = run(&settings, &[ca1, ca2, ee3]).unwrap_err();
        assert!(
            err.starts_with("certificate 2: RFC 5280 6.1.3 (f)"),
            "{err}"
        );
    }

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        let ee = pkits_cert(EE);
        let mut p = PolicyProcessor::new(&PolicySettings::default(), 2);
        assert!(detail(p.process(&ee, 2).unwrap_err()).contains("out of order"));
        let p = PolicyProcessor::new(&PolicySettings::default(), 2);
        let outcome = p.finish(&ee);
        assert!(!outcome.valid);
        assert!(
            outcome
                .detail
                .unwrap()
                .contains("0 of 2 certificates processed")
        );
        let mut p = PolicyProcessor::new(&PolicySettings::default(), 1);
        p.process(&ee, 1).unwrap();
        assert!(p.process(&ee, 2).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Arbitrary bytes in every policy extension never panic.
        #[test]
        fn arbitrary_extension_values_never_panic(
            policies in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            mappings in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            constraints in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            inhibit in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..6),
        ) {
            let ca = with_extensions(CA, &[
                (oid::CERTIFICATE_POLICIES, policies.clone()),
                (oid::POLICY_MAPPINGS, mappings),
                (oid::POLICY_CONSTRAINTS, constraints.clone()),
                (oid::INHIBIT_ANY_POLICY, inhibit),
            ]);
            let ee = with_extensions(EE, &[
                (oid::CERTIFICATE_POLICIES, policies),
                (oid::POLICY_CONSTRAINTS, constraints),
            ]);
            let _ = run(&PolicySettings::default(), &[ca, ee]);
        }
    }

    const POLICY_SECTIONS: [&str; 5] = ["4.8", "4.9", "4.10", "4.11", "4.12"];

    #[test]
    fn pkits_policy_sections() {
        let path = conformance_dir().join("pkits/pkits-dev.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} missing: {e}", path.display()));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let oids = |v: &serde_json::Value| -> Vec<ObjectIdentifier> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|o| oid(o.as_str().unwrap()))
                .collect()
        };
        let (mut decided, mut agreed, mut listed, mut ucps_checked) = (0, 0, 0, 0);
        let mut failures = Vec::new();
        for t in json["tests"].as_array().unwrap() {
            let section = t["section"].as_str().unwrap();
            if !POLICY_SECTIONS.contains(&section) {
                continue;
            }
            let id = t["id"].as_str().unwrap();
            let s = &t["settings"];
            let settings = PolicySettings {
                initial_policy_set: oids(&s["initial_policy_set"]),
                initial_explicit_policy: s["initial_explicit_policy"].as_bool().unwrap(),
                initial_policy_mapping_inhibit: s["initial_policy_mapping_inhibit"]
                    .as_bool()
                    .unwrap(),
                initial_any_policy_inhibit: s["initial_inhibit_any_policy"].as_bool().unwrap(),
            };
            let certs: Vec<Certificate> = t["certs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| pkits_cert(c.as_str().unwrap()))
                .collect();
            let expected_valid = match t["expected"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("{id}: expected {other}"),
            };
            let (valid, ucps, detail) = match run(&settings, &certs) {
                Ok(o) => (o.valid, o.user_constrained_policy_set, o.detail),
                Err(e) => (false, Vec::new(), Some(e)),
            };
            if let Some((_, reason)) = NOT_DECIDED_BY_POLICY.iter().find(|(l, _)| *l == id) {
                listed += 1;
                if valid == expected_valid {
                    failures.push(format!("{id}: listed ({reason}) but policies agree"));
                }
                continue;
            }
            decided += 1;
            eprintln!(
                "{id}: valid={valid} ucps={} {}",
                oid_list(&ucps),
                detail.as_deref().unwrap_or("")
            );
            if valid != expected_valid {
                failures.push(format!(
                    "{id}: policy verdict valid={valid}, expected {expected_valid} ({detail:?})"
                ));
                continue;
            }
            // A valid path needs a reason-free outcome, an invalid one a reason.
            if valid == detail.is_some() {
                failures.push(format!("{id}: valid={valid} with detail {detail:?}"));
                continue;
            }
            agreed += 1;
            if let Some(want) = t.get("user_constrained_policy_set") {
                ucps_checked += 1;
                let mut want = oids(want);
                let mut got = ucps;
                want.sort();
                got.sort();
                if want != got {
                    failures.push(format!(
                        "{id}: user-constrained-policy-set {} != expected {}",
                        oid_list(&got),
                        oid_list(&want)
                    ));
                }
            }
        }
        eprintln!(
            "PKITS 4.8-4.12: {decided} decided by policies, {agreed} agreed, {listed} listed; \
             {ucps_checked} user-constrained-policy-sets compared"
        );
        assert!(decided + listed > 0, "no PKITS policy tests found");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
