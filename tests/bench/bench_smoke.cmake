# Smoke test of lsmdb_bench (run by ctest as `cmake -DBENCH=... -DWORK_DIR=... -P`):
# every workload on every engine built into the binary, with a tiny --num, --json and
# --histogram; checks that each benchmark printed its db_bench line and its JSON record,
# that --engine=all printed its table, and that bad flags are refused. Asserts no timing.
cmake_minimum_required(VERSION 3.25)

# Every workload the benchmark must offer (docs/PERFORMANCE.md); the binary may add more.
set(required fillseq fillrandom overwrite fillsync fill100K readrandom readmissing readhot
    readseq readreverse seekrandom deleterandom readwhilewriting
    ycsba ycsbb ycsbc ycsbd ycsbe ycsbf)

function(run out_var rc_var)
  execute_process(COMMAND ${BENCH} ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err
                  RESULT_VARIABLE rc TIMEOUT 50)
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${rc_var} "${rc}" PARENT_SCOPE)
  if(NOT err STREQUAL "")
    message(STATUS "stderr of lsmdb_bench ${ARGN}:\n${err}")
  endif()
endfunction()

run(engines_out rc --list_engines)
string(REGEX MATCHALL "[a-z]+" engines "${engines_out}")
if(NOT rc EQUAL 0 OR engines STREQUAL "")
  message(FATAL_ERROR "lsmdb_bench --list_engines: rc=${rc}, no engine built:\n${engines_out}")
endif()

run(list_out rc --list_benchmarks)
string(REGEX MATCHALL "(^|\n)[A-Za-z0-9]+" names "${list_out}")
list(TRANSFORM names STRIP)
foreach(b IN LISTS required)
  if(NOT b IN_LIST names)
    message(FATAL_ERROR "workload ${b} is missing from --list_benchmarks:\n${list_out}")
  endif()
endforeach()
# Every workload the binary lists goes in the run (also "compact"), required ones first.
set(benchmarks ${required})
foreach(b IN LISTS names)
  if(NOT b IN_LIST benchmarks)
    list(APPEND benchmarks ${b})
  endif()
endforeach()
list(JOIN benchmarks "," benchmark_list)

file(REMOVE_RECURSE "${WORK_DIR}")
run(out rc --engine=all --num=1000 --reads=500 --threads=2 --benchmarks=${benchmark_list}
    --json --histogram --db=${WORK_DIR})
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lsmdb_bench --engine=all failed (rc=${rc}):\n${out}")
endif()

list(LENGTH engines engine_count)
foreach(engine IN LISTS engines)
  # This engine's section runs from its "engine: <name>" line to the next rule.
  string(FIND "${out}" "\nengine: ${engine}\n" begin)
  if(begin EQUAL -1)
    message(FATAL_ERROR "no section for engine ${engine}:\n${out}")
  endif()
  string(SUBSTRING "${out}" ${begin} -1 section)
  string(FIND "${section}" "\n------" end)
  if(NOT end EQUAL -1)
    string(SUBSTRING "${section}" 0 ${end} section)
  endif()
  foreach(b IN LISTS benchmarks)
    if(NOT section MATCHES "\n${b} +: +[0-9.]+ micros/op [0-9]+ ops/sec;")
      message(FATAL_ERROR "${engine}: no result line for ${b}:\n${section}")
    endif()
    if(NOT section MATCHES "\n  latency \\(micros\\): avg [0-9.]+  p50 [0-9.]+  p99 ")
      message(FATAL_ERROR "${engine}: no latency percentiles:\n${section}")
    endif()
    set(json_head "{\"engine\":\"${engine}\",\"benchmark\":\"${b}\",\"ops\":")
    string(FIND "${section}" "\n${json_head}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${engine}: no JSON record for ${b}:\n${section}")
    endif()
  endforeach()
  if(NOT section MATCHES "\"percentiles\":{\"p50\":[0-9.e+-]+,\"p99\":")
    message(FATAL_ERROR "${engine}: JSON records lack percentiles:\n${section}")
  endif()
  if(NOT section MATCHES "--- ${engine} statistics ---")
    message(FATAL_ERROR "${engine}: no statistics printed:\n${section}")
  endif()
endforeach()

# With several engines, the side-by-side table has a row per benchmark.
if(engine_count GREATER 1)
  foreach(b IN LISTS benchmarks)
    if(NOT out MATCHES "\n\\| ${b} +\\| +[0-9]+ \\|")
      message(FATAL_ERROR "no table row for ${b}:\n${out}")
    endif()
  endforeach()
endif()

# --use_existing_db keeps the data and skips the fills that start afresh.
list(GET engines 0 first)
run(out rc --engine=${first} --num=1000 --use_existing_db --benchmarks=fillseq,readrandom
    --stats=0 --db=${WORK_DIR})
if(NOT rc EQUAL 0 OR NOT out MATCHES "\nfillseq +: skipped"
   OR NOT out MATCHES "\nreadrandom +: +[0-9.]+ micros/op [0-9]+ ops/sec;")
  message(FATAL_ERROR "--use_existing_db run (rc=${rc}):\n${out}")
endif()

# --duration replaces the op count of the reads: far more than --reads=10 in 1 second.
run(out rc --engine=${first} --num=1000 --use_existing_db --benchmarks=readrandom --reads=10
    --duration=1 --threads=2 --json --stats=0 --db=${WORK_DIR})
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"benchmark\":\"readrandom\",\"ops\":([0-9]+)"
   OR CMAKE_MATCH_1 LESS 1000)
  message(FATAL_ERROR "--duration run (rc=${rc}):\n${out}")
endif()

# Bad input is refused with exit code 2.
foreach(bad "--benchmarks=nosuch" "--compression=gzip" "--num=0" "--engine=foo" "--bogus=1"
        "--duration=-1")
  run(out rc ${bad})
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "lsmdb_bench ${bad}: expected exit code 2, got ${rc}:\n${out}")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "lsmdb_bench smoke test passed for: ${engines}")
